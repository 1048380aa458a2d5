import type { Context } from "./context.js";

/**
 * Marks the response as one no cache may keep (a browser's, a proxy's): it carries an access or refresh token or an
 * API key secret. Set through the context, so REST and /trpc send it alike; returns the context for a one-line call.
 */
export function noStore<C extends Pick<Context, "setHeader">>(ctx: C): C {
  ctx.setHeader("Cache-Control", "no-store");
  return ctx;
}
