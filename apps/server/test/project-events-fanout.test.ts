import { request, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, signUp } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { openEventStream, type EventStreamReader } from "./support/event-stream.js";
import { pollJob, type JobJson } from "./support/jobs.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ STREAM_MAX_PER_USER: "30", BODY_LIMIT: "8mb" });
});
afterAll(() => server.close());

async function ids(stream: EventStreamReader, count: number): Promise<(string | undefined)[]> {
  const seen = [];
  while (seen.length < count) {
    const event = await stream.next();
    if (!event) throw new Error("the stream ended");
    seen.push(event.id);
  }
  return seen;
}

/** A REST event stream read with node:http, so the test decides when the client reads: paused, nothing is read. */
function openPausedStream(projectId: string, token: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/api/v1/projects/${projectId}/events`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      res.pause();
      resolve(res);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Reads frames from a (resumed) stream until `count` events arrived; their `id:` and JSON data, in order. */
function readEvents(res: IncomingMessage, count: number): Promise<{ id: string; data: { changes: { title?: { after: unknown } } } }[]> {
  return new Promise((resolve, reject) => {
    const events: { id: string; data: { changes: { title?: { after: unknown } } } }[] = [];
    let buffer = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
        const lines = buffer.slice(0, end).split("\n");
        buffer = buffer.slice(end + 2);
        const id = lines.find((line) => line.startsWith("id: "))?.slice(4);
        const data = lines.find((line) => line.startsWith("data: "))?.slice(6);
        if (id !== undefined && data !== undefined) events.push({ id, data: JSON.parse(data) as (typeof events)[number]["data"] });
      }
      if (events.length >= count) resolve(events);
    });
    res.on("end", () => reject(new Error(`the stream ended after ${events.length} events`)));
    res.resume();
  });
}

describe("fan-out of one project's changes to many REST streams", () => {
  it("delivers a burst of concurrent changes to every stream, each once, in the audit trail's commit order", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const streams = await Promise.all(Array.from({ length: 20 }, () => openEventStream(server, project.id, tokens.accessToken)));
    const count = 25;
    await Promise.all(Array.from({ length: count }, (_, i) => createTask(server, tokens.accessToken, project.id, { title: `burst ${i}` })));
    const received = await Promise.all(streams.map((stream) => ids(stream, count)));
    for (const stream of streams) stream.close();
    const audit = await server.rest(`/audit-events?projectId=${project.id}&action=task.create&perPage=${count}`, bearer(tokens.accessToken));
    const newestFirst = ((await audit.json()) as { items: { id: string }[] }).items.map(({ id }) => id);
    const commitOrder = newestFirst.reverse();
    expect(commitOrder).toHaveLength(count);
    for (const stream of received) expect(stream).toEqual(commitOrder);
  });

  it("a reader that stops reading gets every change, in order and once, when it reads again", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const task = await createTask(server, tokens.accessToken, project.id, { title: "slow" });
    const paused = await openPausedStream(project.id, tokens.accessToken);
    const live = await openEventStream(server, project.id, tokens.accessToken);
    // An import of large rows (one transaction: one burst, ~5 MB of events) fills every buffer between the server and
    // the paused reader, so the server pauses that stream; the updates after it exceed what a paused stream holds
    // (MAX_PENDING_EVENTS), so the server drops them for this reader and reads them back from the table later.
    const rows = Array.from({ length: 1000 }, (_, i) => ({ title: `row ${i}`, description: `${String(i % 10).repeat(4990)}${i}` }));
    const job = await server.rest(`/projects/${project.id}/imports`, json("POST", rows, tokens.accessToken));
    expect(job.status).toBe(202);
    expect(await pollJob(server, tokens.accessToken, ((await job.json()) as JobJson).id)).toMatchObject({ status: "succeeded" });
    const updates = 150;
    for (let i = 0; i < updates; i++) {
      const res = await server.rest(`/tasks/${task.id}`, json("PATCH", { title: `v${i}` }, tokens.accessToken));
      expect(res.status).toBe(200);
    }
    const changes = rows.length + updates;
    // A reader that kept up has them all already: the paused one held nobody back.
    const expected = await ids(live, changes);
    live.close();
    const events = await readEvents(paused, changes);
    paused.destroy();
    expect(events.map(({ id }) => id)).toEqual(expected);
    expect(events.slice(rows.length).map(({ data }) => data.changes.title?.after)).toEqual(Array.from({ length: updates }, (_, i) => `v${i}`));
  });
});
