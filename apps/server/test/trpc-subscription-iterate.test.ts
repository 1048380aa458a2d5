import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { initTRPC, tracked, TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { observable } from "@trpc/server/observable";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContextFactory } from "../src/http/request-info.js";
import { createTrpcFastPath } from "../src/trpc/fast-path.js";
import { readRawStream, type RawStream } from "./support/raw-stream.js";

// The project feed is pushed; any other subscription is iterated by the fast path. The app's router has no such
// subscription, so this one has: the fast path and tRPC's adapter serve it side by side, and must send the same bytes.
const t = initTRPC.context<{ requestId: string }>().create({ isDev: false, sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } } });
const router = t.router({
  mixed: t.procedure.subscription(async function* () {
    yield "plain";
    yield tracked("a", { n: 1 });
    yield { n: 2 };
  }),
  failing: t.procedure.subscription(async function* () {
    yield tracked("x", 1);
    throw new TRPCError({ code: "FORBIDDEN", message: "No more for you" });
  }),
  observed: t.procedure.subscription(() =>
    observable<number>((emit) => {
      emit.next(1);
      emit.next(2);
      emit.complete();
      return () => {};
    }),
  ),
  notIterable: t.procedure.subscription(() => 42 as unknown as AsyncIterable<number>),
});

const contextFor = (() => ({ requestId: "iterate-test" })) as unknown as ContextFactory;
let fastServer: Server;
let standardServer: Server;
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  const fast = createTrpcFastPath({ router, prefix: "/trpc", contextFor, onError: () => {}, bodyLimit: 16_384 });
  const standard = createHTTPHandler({ router, basePath: "/trpc/", createContext: () => ({ requestId: "iterate-test" }) });
  fastServer = createServer((req, res) => {
    if (!fast(req, res)) throw new Error(`the fast path left ${req.url} to the adapter`);
  });
  standardServer = createServer((req, res) => void standard(req, res));
  await Promise.all([fastServer, standardServer].map((server) => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))));
});
afterAll(async () => {
  await Promise.all([fastServer, standardServer].map((server) => new Promise((resolve) => server.close(resolve))));
});

const UNCOMPARED = new Set(["date", "transfer-encoding"]);
const comparable = (stream: RawStream) => ({
  status: stream.status,
  headers: Object.fromEntries(Object.entries(stream.headers).filter(([name]) => !UNCOMPARED.has(name))),
  body: stream.body,
  ended: stream.ended,
});

async function expectSameStream(path: string, headers: Record<string, string> = {}): Promise<RawStream> {
  const [fast, standard] = (await Promise.all([fastServer, standardServer].map((server) => readRawStream(urlOf(server), path, headers, () => false)))) as [RawStream, RawStream];
  expect(comparable(fast)).toEqual(comparable(standard));
  expect(fast.ended).toBe(true);
  return fast;
}

describe("an iterated subscription on the tRPC fast path", () => {
  it("sends tracked and untracked items as tRPC's adapter does, then return", async () => {
    const stream = await expectSameStream("/trpc/mixed");
    expect(stream.body).toBe(
      'event: connected\ndata: {"reconnectAfterInactivityMs":40000}\n\n\n' +
        'data: "plain"\n\n\n' +
        'data: {"n":1}\nid: a\n\n\n' +
        'data: {"n":2}\nid: \n\n\nevent: restore-id\ndata: \nid: a\n\n\n' +
        "event: return\ndata: \n\n\n",
    );
  });

  it("restores a reconnecting client's last event id after an untracked item, and ignores one with a line break", async () => {
    const restored = await expectSameStream("/trpc/mixed", { "last-event-id": "z" });
    expect(restored.body).toContain('data: "plain"\nid: \n\n\nevent: restore-id\ndata: \nid: z\n\n\n');
    const ignored = await expectSameStream("/trpc/mixed?lastEventId=z%0Ay");
    expect(ignored.body).toContain('data: "plain"\n\n\n');
  });

  it("ends a subscription that throws with its error shape, and iterates an observable", async () => {
    const failing = await expectSameStream("/trpc/failing");
    expect(failing.body).toMatch(/data: 1\nid: x\n\n\nevent: serialized-error\ndata: \{"message":"No more for you","code":-32003,.*\}\n\n\n$/);
    const observed = await expectSameStream("/trpc/observed");
    expect(observed.body).toContain("data: 1\n\n\ndata: 2\n\n\nevent: return\ndata: \n\n\n");
  });

  it("answers a subscription that returns neither an iterable nor an observable with INTERNAL_SERVER_ERROR", async () => {
    const stream = await expectSameStream("/trpc/notIterable");
    expect(stream.body).toContain('"message":"Subscription notIterable did not return an observable or a AsyncGenerator"');
  });
});
