import type { IncomingMessage, ServerResponse } from "node:http";
import { appRouter } from "@cadence/api";
import type { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { ContextFactory } from "../http/request-info.js";
import { createTrpcFastPath } from "./fast-path.js";
import { trpcInputGuard } from "./input-guard.js";

export const TRPC_PREFIX = "/trpc";

export interface TrpcHandlerOptions {
  contextFor: ContextFactory;
  onServerError: (error: unknown, path: string | undefined, requestId?: string) => void;
  /** Largest request body in bytes (BODY_LIMIT). */
  bodyLimit: number;
  /** Answer plain-JSON calls without tRPC's Fetch bridge (default); off, every call goes through the adapter. */
  fastPath?: boolean;
}

/**
 * The tRPC surface for in-house TypeScript apps, same router, context and input limits as REST. Plain-JSON calls
 * take the fast path; the rest (streaming, subscriptions, form data, anything unusual) tRPC's standalone adapter.
 */
export function createTrpcHandler(options: TrpcHandlerOptions) {
  const { contextFor, onServerError, bodyLimit } = options;
  const onError = (error: TRPCError, path: string | undefined, requestId?: string) => {
    if (error.code === "INTERNAL_SERVER_ERROR") onServerError(error.cause ?? error, path, requestId);
  };
  // The fast path answers as tRPC does with these options: batching on, no method override, no responseMeta, no
  // maxBatchSize. Setting any of them here needs the same in fast-path.ts (the conformance test shows where).
  const standard = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PREFIX}/`,
    maxBodySize: bodyLimit,
    middleware: trpcInputGuard(bodyLimit),
    createContext: ({ req, res }) => contextFor(req, res),
    onError: ({ error, path, ctx }) => onError(error, path, ctx?.requestId),
  });
  const fast = options.fastPath === false ? undefined : createTrpcFastPath({ router: appRouter, prefix: TRPC_PREFIX, contextFor, onError, bodyLimit });

  return (req: IncomingMessage, res: ServerResponse): Promise<void> | void => fast?.(req, res) ?? standard(req, res);
}
