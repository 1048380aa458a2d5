import { initTRPC } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// tRPC's middleware chain is patched (patches/@trpc__server@11.25.2.patch: options written out key by key, ctx
// merged with Object.assign); these pin what every middleware and resolver must still receive.
const t = initTRPC.context<{ base: string; replaced: string }>().meta<{ label: string }>().create();

interface Seen {
  path: string;
  type: string;
  meta: unknown;
  signal: AbortSignal | undefined;
  batchIndex: number;
  rawInput: unknown;
}

function chain(seen: Seen[]) {
  return t.procedure
    .use(async (opts) => {
      seen.push({ path: opts.path, type: opts.type, meta: opts.meta, signal: opts.signal, batchIndex: opts.batchIndex, rawInput: await opts.getRawInput() });
      return opts.next({ ctx: { added: 1, replaced: "by the first middleware" } });
    })
    .use(async (opts) => opts.next({ ctx: { later: opts.ctx.added + 1 } }))
    .use(async (opts) => opts.next({ getRawInput: () => Promise.resolve({ n: 41 }) }))
    .use(async (opts) => {
      seen.push({ path: opts.path, type: opts.type, meta: opts.meta, signal: opts.signal, batchIndex: opts.batchIndex, rawInput: await opts.getRawInput() });
      return opts.next();
    })
    .meta({ label: "pinned" })
    .input(z.object({ n: z.number() }))
    .output(z.object({ sum: z.number(), ctx: z.record(z.string(), z.unknown()) }));
}

describe("the middleware chain", () => {
  it("hands every middleware the call's path, type, meta, signal and batch index, merged ctx and the latest raw input", async () => {
    const seen: Seen[] = [];
    const router = t.router({ add: chain(seen).query(({ ctx, input }) => ({ sum: input.n + 1, ctx: { ...ctx } })) });
    const abort = new AbortController();
    const caller = t.createCallerFactory(router)({ base: "from the context", replaced: "original" }, { signal: abort.signal });
    const result = await caller.add({ n: 1 });
    expect(result, "input from the overriding getRawInput; each middleware's ctx merged over the one before").toEqual({
      sum: 42,
      ctx: { base: "from the context", replaced: "by the first middleware", added: 1, later: 2 },
    });
    const expected = { path: "add", type: "query", meta: { label: "pinned" }, signal: abort.signal, batchIndex: 0 };
    expect(seen).toEqual([
      { ...expected, rawInput: { n: 1 } },
      { ...expected, rawInput: { n: 41 } },
    ]);
  });

  it("leaves the caller's ctx object untouched when a middleware adds to it", async () => {
    const ctx = { base: "b", replaced: "r" };
    const router = t.router({ add: chain([]).mutation(({ input }) => ({ sum: input.n, ctx: {} })) });
    await t.createCallerFactory(router)(ctx).add({ n: 1 });
    expect(ctx).toEqual({ base: "b", replaced: "r" });
  });
});
