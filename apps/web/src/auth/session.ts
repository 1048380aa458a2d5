import type { TokenPair } from "@cadence/client";

const PARKED_KEY = "cadence.refreshToken";

/**
 * The signed-in session. The access token lives only in this module's memory. The refresh token lives in memory too
 * while the page runs; it is parked in sessionStorage only across a reload (written on `pagehide`, taken back and
 * removed on load), so a duplicated tab never inherits a live refresh token (refresh tokens are single use: two tabs
 * spending the same one would make the server revoke the session as a replay).
 */
let accessToken: string | undefined;
let refreshToken: string | undefined = takeParked();
const listeners = new Set<() => void>();

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function takeParked(): string | undefined {
  const store = storage();
  const parked = store?.getItem(PARKED_KEY) ?? undefined;
  store?.removeItem(PARKED_KEY);
  return parked;
}

if (typeof window !== "undefined") {
  window.addEventListener("pagehide", () => {
    if (refreshToken) storage()?.setItem(PARKED_KEY, refreshToken);
  });
  // Back-forward cache: the page comes back alive, with its tokens still in memory.
  window.addEventListener("pageshow", () => storage()?.removeItem(PARKED_KEY));
}

function emit(): void {
  for (const listener of listeners) listener();
}

export const session = {
  accessToken: (): string | undefined => accessToken,
  refreshToken: (): string | undefined => refreshToken,
  /** True while there is a session to use or to refresh; the server has the last word on whether it is valid. */
  signedIn: (): boolean => refreshToken !== undefined || accessToken !== undefined,
  store(pair: TokenPair): void {
    accessToken = pair.accessToken;
    refreshToken = pair.refreshToken;
    emit();
  },
  clear(): void {
    accessToken = undefined;
    refreshToken = undefined;
    storage()?.removeItem(PARKED_KEY);
    emit();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
