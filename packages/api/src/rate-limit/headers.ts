import { TRPCError } from "@trpc/server";
import type { Context } from "../context.js";
import type { Limiter, LimitState } from "./limiter.js";

/** Reports a limiter's state in the RateLimit-* headers; when exhausted, adds Retry-After and throws 429. */
export function report(ctx: Pick<Context, "setHeader">, state: LimitState): void {
  ctx.setHeader("RateLimit-Limit", String(state.limit));
  ctx.setHeader("RateLimit-Remaining", String(state.remaining));
  ctx.setHeader("RateLimit-Reset", String(state.resetSeconds));
  if (!state.allowed) {
    ctx.setHeader("Retry-After", String(state.resetSeconds));
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Too many requests; retry in ${state.resetSeconds} s`,
    });
  }
}

/** Counts one hit and enforces the limit. */
export async function enforce(ctx: Pick<Context, "setHeader">, limiter: Limiter, key: string): Promise<void> {
  report(ctx, await limiter.consume(key));
}
