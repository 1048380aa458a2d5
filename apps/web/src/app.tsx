import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect } from "react";
import { useSignedIn } from "./auth/use-signed-in.js";
import { cadenceClient, queryClient } from "./client.js";
import { AppHeader } from "./layout/app-header.js";
import { navigate, usePath } from "./navigation/navigation.js";
import { BoardPage } from "./pages/board-page.js";
import { NotFoundPage } from "./pages/not-found-page.js";
import { ProjectsPage } from "./pages/projects-page.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { TRPCProvider } from "./trpc.js";

const BOARD = /^\/projects\/([0-9a-f-]{36})\/?$/i;

/** The page for a path; the server serves this app for `/`, `/signin` and `/projects…`. */
function Routes() {
  const path = usePath();
  const signedIn = useSignedIn();
  const redirect = !signedIn && path !== "/signin" ? "/signin" : signedIn && (path === "/" || path === "/signin") ? "/projects" : undefined;
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);
  if (redirect) return null;
  if (path === "/signin") return <SignInPage />;
  const board = BOARD.exec(path);
  return (
    <>
      <AppHeader />
      <main id="main" tabIndex={-1}>
        {path === "/projects" || path === "/projects/" ? <ProjectsPage /> : board?.[1] ? <BoardPage projectId={board[1]} /> : <NotFoundPage />}
      </main>
    </>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={cadenceClient} queryClient={queryClient}>
        <Routes />
      </TRPCProvider>
    </QueryClientProvider>
  );
}
