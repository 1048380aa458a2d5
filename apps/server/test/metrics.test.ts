import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { openEventStream } from "./support/event-stream.js";
import { startTestServer, type TestServer } from "./support/server.js";

const METRICS_TOKEN = "metrics-token-0123456789";

let server: TestServer;
/** A second server in the same process, metrics on without a token and a request limit of 2 a minute. */
let other: TestServer;

beforeAll(async () => {
  [server, other] = await Promise.all([
    startTestServer({ METRICS_TOKEN, RATE_LIMIT_LOGIN: "2/1m" }),
    startTestServer({ RATE_LIMIT_REQUESTS: "2/1m" }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.close(), other?.close()]);
});

/** One sample of the Prometheus text format: `name{a="x",b="y"} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    samples.push({ name: match[1] ?? "", labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name and (at least) these labels; undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

async function scrape(target: TestServer, authorization?: string): Promise<Sample[]> {
  const res = await fetch(`${target.url}/metrics`, authorization ? { headers: { authorization } } : {});
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

describe("GET /metrics", () => {
  it("answers 401 without the bearer token or with a wrong one", async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token-0123456789" }, { authorization: METRICS_TOKEN }];
    for (const headers of attempts) {
      const res = await fetch(`${server.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  it("counts requests by surface, route or procedure, method and status class", async () => {
    const { accessToken } = await loginAdmin(server);
    for (let i = 0; i < 3; i++) expect((await server.rest("/users/me", bearer(accessToken))).status).toBe(200);
    for (let i = 0; i < 2; i++) await server.trpc(accessToken).users.me.query();
    expect((await server.rest("/projects/not-a-uuid", bearer(accessToken))).status).toBe(400);
    const samples = await scrape(server, `Bearer ${METRICS_TOKEN}`);
    const count = (labels: Record<string, string>) => valueOf(samples, "http_request_duration_seconds_count", labels);
    expect(count({ surface: "rest", route: "/users/me", method: "GET", status_class: "2xx" })).toBe(3);
    expect(count({ surface: "trpc", route: "users.me", method: "GET", status_class: "2xx" })).toBe(2);
    expect(count({ surface: "rest", route: "/projects/{id}", method: "GET", status_class: "4xx" })).toBe(1);
    expect(count({ surface: "rest", route: "/auth/login", method: "POST", status_class: "2xx" })).toBe(1);
    expect(valueOf(samples, "http_request_duration_seconds_bucket", { route: "/users/me", status_class: "2xx", le: "+Inf" })).toBe(3);
    // The scrape itself is in flight while it is answered.
    expect(valueOf(samples, "http_requests_in_flight")).toBe(1);
  });

  it("counts a 429 by its limit and authentication failures by reason", async () => {
    for (let i = 0; i < 3; i++) await server.rest("/auth/login", json("POST", { username: "nobody", password: "wrong-password" }));
    expect((await server.rest("/users/me", bearer("not-a-token"))).status).toBe(401);
    expect((await server.rest("/users/me")).status).toBe(401);
    const samples = await scrape(server, `Bearer ${METRICS_TOKEN}`);
    expect(valueOf(samples, "rate_limit_rejections_total", { limit: "login" })).toBe(1);
    expect(valueOf(samples, "http_request_duration_seconds_count", { route: "/auth/login", status_class: "4xx" })).toBe(3);
    expect(valueOf(samples, "auth_failures_total", { reason: "bad_credentials" })).toBe(2);
    expect(valueOf(samples, "auth_failures_total", { reason: "invalid_access_token" })).toBe(1);
    expect(valueOf(samples, "auth_failures_total", { reason: "missing_credentials" })).toBe(1);
  });

  it("reports the database pool, process metrics and event-loop lag", async () => {
    const samples = await scrape(server, `Bearer ${METRICS_TOKEN}`);
    expect(valueOf(samples, "db_pool_size")).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, "db_pool_busy")).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, "db_pool_waiting")).toBe(0);
    expect(valueOf(samples, "db_query_errors_total")).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
  });

  it("counts the live event streams open on the instance", async () => {
    const { accessToken } = await loginAdmin(server);
    const project = await createProject(server, accessToken, { name: "Watched" });
    const before = valueOf(await scrape(server, `Bearer ${METRICS_TOKEN}`), "event_streams_open");
    const stream = await openEventStream(server, project.id, accessToken);
    expect(stream.status).toBe(200);
    expect(valueOf(await scrape(server, `Bearer ${METRICS_TOKEN}`), "event_streams_open")).toBe((before ?? 0) + 1);
    stream.close();
    await expect.poll(async () => valueOf(await scrape(server, `Bearer ${METRICS_TOKEN}`), "event_streams_open")).toBe(before);
  });

  it("counts the live events handed to streams and times each fan-out", async () => {
    const { accessToken } = await loginAdmin(server);
    const project = await createProject(server, accessToken, { name: "Fanned out" });
    const scrapeNow = async () => scrape(server, `Bearer ${METRICS_TOKEN}`);
    const before = await scrapeNow();
    const deliveries = valueOf(before, "event_deliveries_total") ?? 0;
    const fanOuts = valueOf(before, "event_fanout_write_seconds_count") ?? 0;
    const streams = await Promise.all([openEventStream(server, project.id, accessToken), openEventStream(server, project.id, accessToken)]);
    try {
      await createTask(server, accessToken, project.id, { title: "Seen twice" });
      for (const stream of streams) expect((await stream.next())?.event).toBe("task.create");
      const after = await scrapeNow();
      // One event to two streams: two deliveries, in one fan-out that was held and written.
      expect(valueOf(after, "event_deliveries_total")).toBe(deliveries + 2);
      expect(valueOf(after, "event_fanout_write_seconds_count")).toBe(fanOuts + 1);
      expect(valueOf(after, "event_fanout_held_seconds_count")).toBe(fanOuts + 1);
      expect(valueOf(after, "event_fanout_held_seconds_bucket", { le: "+Inf" })).toBe(fanOuts + 1);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it("keeps each server's metrics apart, is not rate limited and is absent from the OpenAPI document", async () => {
    for (let i = 0; i < 5; i++) await scrape(other);
    // Five earlier scrapes answered 200 past the limit of 2; this one is still in flight, so not counted yet.
    const samples = await scrape(other);
    expect(valueOf(samples, "http_request_duration_seconds_count", { surface: "metrics", route: "/metrics", status_class: "2xx" })).toBe(5);
    expect(valueOf(samples, "http_request_duration_seconds_count", { route: "/users/me" })).toBeUndefined();
    const document = (await (await fetch(`${other.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => path.includes("metrics"))).toEqual([]);
  });

  it("is a 404 when metrics are disabled", async () => {
    const off = await startTestServer({ METRICS_ENABLED: "false" });
    try {
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
