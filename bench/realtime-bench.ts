// `pnpm bench:realtime`: live project events under load. N subscribers hold REST event streams while changes are
// written at a fixed rate; reports delivery latency (commit → the subscriber reading it: the bench LISTENs on the
// events channel itself, and PostgreSQL delivers a NOTIFY on commit), completeness (every committed event once on
// every stream, no duplicate, no commit answered as a failure), CPU of the servers and of the bench itself, and
// server memory per idle subscriber, on one instance and on two instances sharing one throw-away PostgreSQL
// (writes alternate between them, subscribers are spread).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { ensureBuilt, repoRoot, serverMain } from "./http/build.js";
import { cpuMs, freePort, rssMb, startServer, type ServerProcess } from "./http/processes.js";
import { newJwtSecret, RAISED_LIMIT } from "./http/servers.js";
import { openCommitClock } from "./realtime/commit-clock.js";
import { createKeys } from "./realtime/keys.js";
import { seed } from "./realtime/seed.js";
import { openSubscribers, type Surface } from "./realtime/subscribers.js";
import { writeChanges } from "./realtime/writers.js";

const USAGE = `Usage: pnpm bench:realtime [--subscribers N] [--rate CHANGES_PER_S] [--seconds S] [--projects P] [--instances 1|2|both] [--surface rest|trpc] [--smoke] [--profile DIR]
  defaults: 1000 subscribers, 100 changes/s for 10 s, 1 project, both (one instance, then two)
  --surface: the subscribers' feed: REST's event stream (default) or the tRPC subscription (httpSubscriptionLink's GET)
  --smoke: 50 subscribers, 20 changes/s for 3 s (what CI can afford)
  --profile DIR: run the servers with node --cpu-prof, writing their profiles into DIR
  --keys: every subscriber streams with its own API key (one access re-check each), not all with one token`;

const { values } = parseArgs({
  options: {
    subscribers: { type: "string", default: "1000" },
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "10" },
    projects: { type: "string", default: "1" },
    instances: { type: "string", default: "both" },
    smoke: { type: "boolean", default: false },
    profile: { type: "string" },
    keys: { type: "boolean", default: false },
    surface: { type: "string", default: "rest" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const subscribers = values.smoke ? 50 : Number(values.subscribers);
const rate = values.smoke ? 20 : Number(values.rate);
const seconds = values.smoke ? 3 : Number(values.seconds);
const projects = Number(values.projects);
const layouts = values.instances === "both" ? [1, 2] : [Number(values.instances)];
const surface: Surface = values.surface === "trpc" ? "trpc" : "rest";
if (![subscribers, rate, seconds, projects].every((n) => Number.isInteger(n) && n > 0) || layouts.some((n) => n !== 1 && n !== 2) || (values.surface !== "rest" && values.surface !== "trpc")) {
  console.error(USAGE);
  process.exit(2);
}

const UNDER_POSTGRES = "CADENCE_BENCH_REALTIME_UNDER_POSTGRES";
if (process.env[UNDER_POSTGRES] !== "1") {
  ensureBuilt();
  const self = [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const result = spawnSync("bash", [join(repoRoot, "scripts/with-postgres.sh"), process.execPath, ...self], { stdio: "inherit", env: { ...process.env, [UNDER_POSTGRES]: "1" } });
  process.exit(result.status ?? 1);
}
const databaseUrl = process.env.DATABASE_URL as string;
const jwtSecret = newJwtSecret();
const progress = (line: string) => console.error(`bench:realtime: ${line}`);

async function launchCadence(name: string): Promise<ServerProcess> {
  const port = await freePort();
  const { PATH, HOME, TMPDIR, LANG } = process.env;
  const env = {
    PATH, HOME, TMPDIR, LANG,
    PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret, ACCESS_TOKEN_TTL: "12h",
    RATE_LIMIT_REQUESTS: RAISED_LIMIT, RATE_LIMIT_LOGIN: RAISED_LIMIT, RATE_LIMIT_REGISTER: RAISED_LIMIT, RATE_LIMIT_REFRESH: RAISED_LIMIT,
    STREAM_MAX_PER_USER: String(subscribers + 10), MAX_CONNECTIONS: String(subscribers * 2 + 1000),
  };
  return startServer({ name, core: undefined, command: process.execPath, args: [...(values.profile ? ["--cpu-prof", "--cpu-prof-dir", values.profile] : []), serverMain], env, port, readyPath: "/api/v1/ready" });
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const TASKS_PER_PROJECT = 50;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (ms: number) => Math.round(ms);

async function run(instances: number) {
  const servers = await Promise.all(Array.from({ length: instances }, (_, i) => launchCadence(`cadence-${i + 1}`)));
  const urls = servers.map((server) => server.url);
  const clock = await openCommitClock(databaseUrl);
  try {
    // Changes spread over 50 tasks a project, as a team's would: 5 made every change wait on the previous one's row lock.
    const data = await seed(urls[0] as string, projects, TASKS_PER_PROJECT);
    await delay(1000);
    const before = servers.map((server) => rssMb(server.pid) ?? NaN);
    progress(`${instances} instance(s): opening ${subscribers} subscribers`);
    const tokens = values.keys ? await createKeys(urls[0] as string, data.token, subscribers) : [data.token];
    const subs = await openSubscribers(urls, data.projectIds, tokens, subscribers, surface);
    await delay(2000);
    const after = servers.map((server) => rssMb(server.pid) ?? NaN);
    const perSubscriberKb = (after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)) * 1024 / subscribers;
    // Warm-up, not measured: one change through each instance (first reads on fresh pools, cold code paths).
    const warm = await writeChanges(urls, data.taskIds, data.token, 10, instances / 10);
    const warmDeadline = Date.now() + 15_000;
    while (subs.events() < (warm.ok * subscribers) / projects && Date.now() < warmDeadline) await delay(50);
    subs.reset();
    clock.reset();
    progress(`${instances} instance(s): ${rate} changes/s for ${seconds} s`);
    const cpuBefore = servers.map((server) => cpuMs(server.pid) ?? NaN);
    const benchCpuBefore = process.cpuUsage();
    const started = performance.now();
    const written = await writeChanges(urls, data.taskIds, data.token, rate, seconds);
    // Every committed event counts, also one whose write was answered with an error (that would be a defect).
    const subscribersOf = (projectId: string) => {
      const p = data.projectIds.indexOf(projectId);
      return p === -1 ? 0 : Math.floor((subscribers - 1 - p) / projects) + 1;
    };
    const expected = () => [...clock.committed.values()].reduce((sum, projectId) => sum + subscribersOf(projectId), 0);
    const deadline = Date.now() + 15_000;
    // The bench's own notifications may trail the subscribers' on a loaded machine: wait for both.
    while ((clock.committed.size < written.ok || subs.events() < expected()) && Date.now() < deadline) await delay(100);
    const elapsedS = (performance.now() - started) / 1000;
    const serverCpuMs = servers.map((server, i) => (cpuMs(server.pid) ?? NaN) - (cpuBefore[i] ?? NaN));
    const serverCpu = serverCpuMs.map((ms) => ms / 10 / elapsedS);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    subs.close();
    const latencies: number[] = [];
    // Per event, its first subscriber (the hub: notification, read, first write) and its last (plus the fan-out).
    const firsts: number[] = [];
    const lasts: number[] = [];
    let unannounced = 0;
    for (const [eventId, receipts] of subs.receipts) {
      const committedAt = clock.committedAt(eventId);
      if (committedAt === undefined) unannounced += 1;
      else {
        let first = Infinity;
        let last = -Infinity;
        for (const at of receipts) {
          if (at === 0) continue;
          latencies.push(at - committedAt);
          first = Math.min(first, at);
          last = Math.max(last, at);
        }
        if (last >= first) {
          firsts.push(first - committedAt);
          lasts.push(last - committedAt);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    firsts.sort((a, b) => a - b);
    lasts.sort((a, b) => a - b);
    const committed = clock.committed.size;
    return {
      complete: written.ok === written.sent && committed === written.ok && subs.events() === expected() && subs.duplicates() === 0 && unannounced === 0,
      instances,
      changes: `${written.ok}/${written.sent}${Object.keys(written.failed).length ? ` (${Object.entries(written.failed).map(([status, n]) => `${n}× ${status}`).join(", ")})` : ""}`,
      committed,
      writeP99: round(percentile(written.latencies, 99)),
      delivered: `${subs.events()}/${expected()}`,
      duplicates: subs.duplicates(),
      // Events per socket write: how many changes a fan-out's batch carried (pacing makes a busy project's batches bigger).
      perWrite: (subs.events() / Math.max(1, subs.reads())).toFixed(1),
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? NaN),
      first: `${round(percentile(firsts, 50))} / ${round(percentile(firsts, 99))}`,
      last: `${round(percentile(lasts, 50))} / ${round(percentile(lasts, 99))}`,
      perSubscriberKb,
      rss: after.map((mb) => mb.toFixed(0)).join(" + "),
      serverCpu: serverCpu.map((percent) => percent.toFixed(0)).join(" + "),
      // CPU per delivery is what the fan-out costs, and unlike latency it barely moves when other jobs share the cores.
      cpuPerDelivery: ((serverCpuMs.reduce((a, b) => a + b, 0) * 1000) / Math.max(1, subs.events())).toFixed(1),
      benchCpu: (((benchCpu.user + benchCpu.system) / 1000 / 10) / elapsedS).toFixed(0),
    };
  } finally {
    await clock.close();
    for (const server of servers) process.kill(server.pid, "SIGTERM");
    // Wait for the servers to exit (bounded): a profiled one writes its profile only then, and the bench's own exit
    // kills what is left, which on a loaded machine lost the profiles after a fixed half-second pause.
    const exitDeadline = Date.now() + 30_000;
    while (servers.some((server) => running(server.pid)) && Date.now() < exitDeadline) await delay(100);
  }
}

const rows = [];
for (const instances of layouts) rows.push(await run(instances));
console.log(`\n${subscribers} ${surface === "trpc" ? "tRPC" : "REST"} subscribers${values.keys ? " (one API key each)" : ""} on ${projects} project(s), ${rate} changes/s for ${seconds} s, PostgreSQL, Node ${process.version}\n`);
console.log("| instances | changes ok | committed | write p99 ms | events delivered | duplicates | events per write | p50 ms | p99 ms | max ms | first subscriber p50 / p99 ms | last subscriber p50 / p99 ms | RSS per idle subscriber | server RSS MB | server CPU % | server CPU µs per delivery | bench CPU % |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const row of rows) {
  console.log(
    `| ${row.instances} | ${row.changes} | ${row.committed} | ${row.writeP99} | ${row.delivered} | ${row.duplicates} | ${row.perWrite} | ${row.p50} | ${row.p99} | ${row.max} | ${row.first} | ${row.last} | ${row.perSubscriberKb.toFixed(1)} KB | ${row.rss} | ${row.serverCpu} | ${row.cpuPerDelivery} | ${row.benchCpu} |`,
  );
}
// A failed change, a commit its writer was not told about, a lost or a repeated event is a broken feed, not a slow one.
if (rows.some((row) => !row.complete)) {
  console.error("bench:realtime: some changes failed, committed unannounced to their writer, or events were lost or repeated");
  process.exit(1);
}
