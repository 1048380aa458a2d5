import { TRPCError } from "@trpc/server";
import type { Context } from "../context.js";
import type { Limiter } from "./limiter.js";

/**
 * Counts one hit against `key` and reports the limiter's state in the RateLimit-* headers; when the limit is
 * exhausted, adds Retry-After and throws 429.
 */
export async function enforce(ctx: Pick<Context, "setHeader" | "observer">, limiter: Limiter, key: string): Promise<void> {
  const state = await limiter.consume(key);
  ctx.setHeader("RateLimit-Limit", String(state.limit));
  ctx.setHeader("RateLimit-Remaining", String(state.remaining));
  ctx.setHeader("RateLimit-Reset", String(state.resetSeconds));
  if (!state.allowed) {
    ctx.observer.rateLimited(limiter.name);
    ctx.setHeader("Retry-After", String(state.resetSeconds));
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Too many requests; retry in ${state.resetSeconds} s`,
    });
  }
}
