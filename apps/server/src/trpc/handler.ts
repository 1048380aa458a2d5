import { appRouter } from "@cadence/api";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { ContextFactory } from "../http/request-info.js";
import { trpcInputGuard } from "./input-guard.js";

export const TRPC_PREFIX = "/trpc";

/** The tRPC surface for in-house TypeScript apps, same router, context and input limits as REST. */
export function createTrpcHandler(
  contextFor: ContextFactory,
  onServerError: (error: unknown, path: string | undefined, requestId?: string) => void,
  bodyLimit: number,
) {
  return createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PREFIX}/`,
    maxBodySize: bodyLimit,
    middleware: trpcInputGuard(bodyLimit),
    createContext: ({ req, res }) => contextFor(req, res),
    onError: ({ error, path, ctx }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") onServerError(error.cause ?? error, path, ctx?.requestId);
    },
  });
}
