import { createCadenceClient } from "@cadence/client";
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { session } from "./auth/session.js";
import { errorCode } from "./errors.js";

/**
 * The typed client of `@cadence/client` on this page's origin: it sends the in-memory access token and, when that
 * expires, refreshes once with the session's refresh token and stores the new pair.
 */
export const cadenceClient = createCadenceClient({
  url: window.location.origin,
  getAccessToken: () => session.accessToken(),
  refreshToken: () => session.refreshToken(),
  onTokens: (pair) => session.store(pair),
});

/** A call still UNAUTHORIZED after the client's refresh means the session is over: back to sign-in. */
function endSessionOn(error: unknown): void {
  if (errorCode(error) === "UNAUTHORIZED") session.clear();
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: endSessionOn }),
  mutationCache: new MutationCache({ onError: endSessionOn }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // 4xx answers are final; retry only what may pass on a second try.
      retry: (count, error) => count < 2 && !/^(BAD_REQUEST|UNAUTHORIZED|FORBIDDEN|NOT_FOUND|CONFLICT)$/.test(errorCode(error) ?? ""),
    },
  },
});
