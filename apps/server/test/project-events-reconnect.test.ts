import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { collect, subscriptionClient } from "./support/event-stream.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

let server: TestServer;
let proxy: TcpProxy;
beforeAll(async () => {
  server = await startTestServer();
  proxy = await startTcpProxy({ host: "127.0.0.1", port: server.running.address.port });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe("a tRPC subscriber whose connection drops", () => {
  it("reconnects by itself and resumes after its last event: what changed meanwhile arrives once, in order", async () => {
    const owner = await signUp(server);
    const token = owner.tokens.accessToken;
    const project = await createProject(server, token);
    const viaProxy = { ...server, url: `http://127.0.0.1:${proxy.port}` };
    const received = collect<{ id: string; data: { entityId: string } }>();
    const subscription = subscriptionClient(viaProxy, token).projects.events.subscribe({ projectId: project.id }, received);
    await received.started;
    const before = await createTask(server, token, project.id, { title: "before" });
    await received.until(1);

    proxy.down();
    const missed = [(await createTask(server, token, project.id, { title: "missed 1" })).id, (await createTask(server, token, project.id, { title: "missed 2" })).id];
    proxy.up();
    await received.until(3);
    const after = await createTask(server, token, project.id, { title: "after" });
    await received.until(4);
    subscription.unsubscribe();
    expect(received.error).toBeUndefined();
    expect(received.items.map((item) => item.data.entityId)).toEqual([before.id, ...missed, after.id]);
  });
});
