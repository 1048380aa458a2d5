import type { Database } from "@cadence/db";

/** What every procedure may use, whichever surface (`/trpc` or `/api/v1`) the request came through. */
export interface ApiDeps {
  db: Database;
  /** How long readiness waits for the database before reporting it unavailable. */
  readyTimeoutMs: number;
}

/** The transport-neutral facts about one request. */
export interface RequestInfo {
  requestId: string;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
}

export interface Context extends ApiDeps {
  requestId: string;
  ip: string;
  headers: RequestInfo["headers"];
}

/** Builds the request context; the server calls this for both surfaces with the real request. */
export function createContext(deps: ApiDeps, request: RequestInfo): Context {
  return { ...deps, requestId: request.requestId, ip: request.ip, headers: request.headers };
}
