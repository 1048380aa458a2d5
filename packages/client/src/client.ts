import type { AppRouter } from "@cadence/api";
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink, TRPCClientError, type TRPCClient, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { EventSource } from "eventsource";

/** The pair `auth.login` and `auth.refresh` answer with. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: "Bearer";
  expiresIn: number;
}

type Source = string | undefined | (() => string | undefined | Promise<string | undefined>);

export interface CadenceClientOptions {
  /** The server's origin (`http://localhost:3000`) or its tRPC endpoint (`…/trpc`). */
  url: string;
  /** The access token (or API key) to send; called before every request. */
  getAccessToken?: () => string | undefined | Promise<string | undefined>;
  /** The refresh token, or where to read it; enables one refresh-and-retry on an expired access token. */
  refreshToken?: Source;
  /** Told about every new pair the client obtains by refreshing, so the caller can store it. */
  onTokens?: (tokens: TokenPair) => void | Promise<void>;
  /** Custom fetch (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /**
   * Runs `refresh` alone among every holder of the same stored tokens (other processes of the app, such as two CLI
   * watchers): a refresh token is single use, and presenting it twice revokes the session. Inside, the client reads
   * the stored tokens again and, when another holder refreshed meanwhile, uses its pair instead of refreshing.
   */
  refreshExclusively?: <T>(refresh: () => Promise<T>) => Promise<T>;
}

export type CadenceClient = TRPCClient<AppRouter>;

/**
 * Per-call options a create takes: `{ context: { idempotencyKey } }` sends `Idempotency-Key`, so retrying the call
 * with the same key returns the first answer instead of creating twice (see the README's Idempotency section).
 */
export interface CadenceCallContext {
  idempotencyKey?: string;
}

function idempotencyKeyOf(context: Record<string, unknown>): string | undefined {
  const key = (context as CadenceCallContext).idempotencyKey;
  return typeof key === "string" ? key : undefined;
}

function trpcUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  return trimmed.endsWith("/trpc") ? trimmed : `${trimmed}/trpc`;
}

async function read(source: Source): Promise<string | undefined> {
  return typeof source === "function" ? source() : source;
}

/**
 * How long a subscription's attempt after a refresh must have run before another UNAUTHORIZED refreshes again rather
 * than ending it: a later one is the next token's expiry, an earlier one a fresh token refused (which would loop).
 */
const RESUBSCRIBE_AFTER_MS = 1000;

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "UNAUTHORIZED";
}

/**
 * A typed tRPC client for in-house apps. On an UNAUTHORIZED answer it refreshes once through `auth.refresh`
 * (one refresh shared by every call that failed together, since refresh tokens are single use), reports the
 * new pair through `onTokens`, and retries the call.
 */
export function createCadenceClient(options: CadenceClientOptions): CadenceClient {
  const url = trpcUrl(options.url);
  /** The last pair this client obtained, with the refresh token it spent for it. */
  let refreshed: { spent: string; pair: TokenPair } | undefined;
  const inFlight = new Map<string, Promise<TokenPair | undefined>>();

  const refresher = createTRPCClient<AppRouter>({ links: [httpLink({ url, ...(options.fetch ? { fetch: options.fetch } : {}) })] });

  /**
   * The tokens to use now. The app's store wins as soon as it moved on (it saved our pair, another client
   * refreshed, or the user logged in again); our own pair only covers an app that has not stored it yet, so a
   * spent refresh token is never presented twice.
   */
  async function currentTokens(): Promise<{ accessToken?: string | undefined; refreshToken?: string | undefined }> {
    const refreshToken = await read(options.refreshToken);
    if (refreshed && refreshToken === refreshed.spent) return refreshed.pair;
    return { accessToken: await options.getAccessToken?.(), refreshToken };
  }

  /** Whether a fresh pair is at hand: refreshed here, or (see refreshExclusively) stored by another holder meanwhile. */
  async function refreshOnce(): Promise<boolean> {
    const { refreshToken: seen } = await currentTokens();
    if (!seen || !options.refreshExclusively) return (await refreshWith(seen)) !== undefined;
    return options.refreshExclusively(async () => {
      const { refreshToken } = await currentTokens();
      if (refreshToken !== seen) return refreshToken !== undefined;
      return (await refreshWith(refreshToken)) !== undefined;
    });
  }

  /** One refresh per refresh token, shared by every call that failed with it. */
  async function refreshWith(refreshToken: string | undefined): Promise<TokenPair | undefined> {
    if (!refreshToken) return undefined;
    let pending = inFlight.get(refreshToken);
    if (!pending) {
      pending = refresher.auth.refresh
        .mutate({ refreshToken })
        .then(async (pair) => {
          refreshed = { spent: refreshToken, pair };
          await options.onTokens?.(pair);
          return pair;
        })
        .catch(() => undefined)
        .finally(() => inFlight.delete(refreshToken));
      inFlight.set(refreshToken, pending);
    }
    return pending;
  }

  const refreshLink: TRPCLink<AppRouter> = () => ({ op, next }) =>
    observable((observer) => {
      /** When the attempt after the last refresh began (undefined: no refresh yet). */
      let refreshedAt: number | undefined;
      let stopped = false;
      let subscription: { unsubscribe(): void } | undefined;
      // A subscription retried after a refresh resumes after the last event it delivered.
      let lastEventId: string | undefined;
      const attempt = () => {
        const input = lastEventId === undefined ? op.input : { ...(op.input as object), lastEventId };
        subscription = next({ ...op, input }).subscribe({
          next: (value) => {
            const id = (value.result as { id?: unknown }).id;
            if (typeof id === "string") lastEventId = id;
            observer.next(value);
          },
          complete: () => observer.complete(),
          error: (error) => {
            // A call is retried once; a subscription outlives many access tokens (the server ends its stream when one
            // expires), so it refreshes at each expiry, but not for a token refused right after a refresh.
            const mayRefresh = refreshedAt === undefined || (op.type === "subscription" && Date.now() - refreshedAt >= RESUBSCRIBE_AFTER_MS);
            if (!mayRefresh || op.path.startsWith("auth.") || !isUnauthorized(error)) return observer.error(error);
            refreshedAt = Number.POSITIVE_INFINITY;
            // A token store or refreshExclusively that throws ends the call like a refused refresh (not unhandled).
            void refreshOnce().catch(() => false).then((fresh) => {
              if (stopped) return;
              if (!fresh) return observer.error(error);
              refreshedAt = Date.now();
              attempt();
            });
          },
        });
      };
      attempt();
      return () => {
        // Unsubscribed while refreshing: no new attempt (it would hold a stream, and a slot, for nobody).
        stopped = true;
        subscription?.unsubscribe();
      };
    });

  const authorization = async (): Promise<Record<string, string>> => {
    const { accessToken } = await currentTokens();
    return accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  };
  const fetchImpl = options.fetch ?? globalThis.fetch;

  return createTRPCClient<AppRouter>({
    links: [
      refreshLink,
      splitLink({
        condition: (op) => op.type === "subscription",
        // Server-sent events through an EventSource that sends the Authorization header (tokens never go in URLs),
        // read again on every (re)connect; the link itself resumes with the last event id.
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: async () => {
            const headers = await authorization();
            return { fetch: (input, init) => fetchImpl(input, { ...init, headers: { ...init.headers, ...headers } }) };
          },
        }),
        false: splitLink({
          condition: (op) => idempotencyKeyOf(op.context) !== undefined,
          // A key belongs to one request, so a call that carries one is sent alone, never batched with others.
          true: httpLink({
            url,
            ...(options.fetch ? { fetch: options.fetch } : {}),
            headers: async ({ op }) => ({ ...(await authorization()), "idempotency-key": idempotencyKeyOf(op.context) ?? "" }),
          }),
          false: httpBatchLink({ url, ...(options.fetch ? { fetch: options.fetch } : {}), headers: authorization }),
        }),
      }),
    ],
  });
}
