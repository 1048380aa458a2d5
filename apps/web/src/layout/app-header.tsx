import { useMutation, useQuery } from "@tanstack/react-query";
import { session } from "../auth/session.js";
import { queryClient } from "../client.js";
import { Link } from "../navigation/link.js";
import { useTRPC } from "../trpc.js";

/** The bar on every signed-in page: home link, who is signed in, sign out. */
export function AppHeader() {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  const logout = useMutation(trpc.auth.logout.mutationOptions());

  const signOut = () => {
    const refreshToken = session.refreshToken();
    // The session ends here whatever the server answers; revoking it server-side is best effort.
    if (refreshToken) logout.mutate({ refreshToken });
    session.clear();
    queryClient.clear();
  };

  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link href="/projects" className="brand">
        Cadence
      </Link>
      <span className="who" aria-live="polite">
        {me.data ? `Signed in as ${me.data.name ?? me.data.username}` : ""}
      </span>
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </header>
  );
}
