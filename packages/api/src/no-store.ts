import type { Context } from "./context.js";

/**
 * Marks the response as one no cache may keep (a browser's, a proxy's): it carries an access or refresh token or an
 * API key secret. Set through the context, so REST and /trpc send it alike; returns the context for a one-line call.
 */
export function noStore<C extends Pick<Context, "setHeader">>(ctx: C): C {
  ctx.setHeader("Cache-Control", "no-store");
  return ctx;
}

/**
 * Authenticated reads: a browser may keep them but must revalidate on every use (the ETag makes that a cheap 304 on
 * REST), and no shared cache (a proxy) may keep them at all. Never replaces `no-store` on a response holding a secret.
 */
export function privateNoCache(ctx: Pick<Context, "setHeader">): void {
  ctx.setHeader("Cache-Control", "private, no-cache");
}
