import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { LiveOutput, ReadyOutput } from "../schemas/health.js";
import { checkReadiness } from "../services/health.js";
import { probeProcedure } from "../trpc.js";

export const healthRouter = {
  live: probeProcedure
    .meta({
      openapi: { method: "GET", path: "/health", tags: ["health"], summary: "Liveness: the process answers", protect: false },
    })
    .input(z.void())
    .output(LiveOutput)
    .query(() => ({ status: "ok" as const })),

  ready: probeProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/ready",
        tags: ["health"],
        summary: "Readiness: the database answers within a short timeout",
        protect: false,
      },
      successStatus: (output) => ((output as ReadyOutput).status === "ok" ? 200 : 503),
      alsoReturns: [503],
    })
    .input(z.void())
    .output(ReadyOutput)
    .query(({ ctx }) => checkReadiness(ctx.db, ctx.readyTimeoutMs)),
} satisfies TRPCRouterRecord;
