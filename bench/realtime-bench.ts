// `pnpm bench:realtime`: live project events under load. N subscribers hold REST event streams while changes are
// written at a fixed rate; reports delivery latency (each event's transaction start → the subscriber reading it,
// an upper bound of commit → subscriber), completeness, and server memory per idle subscriber, on one instance and
// on two instances sharing one throw-away PostgreSQL (writes alternate between them, subscribers are spread).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { ensureBuilt, repoRoot, serverMain } from "./http/build.js";
import { freePort, rssMb, startServer, type ServerProcess } from "./http/processes.js";
import { newJwtSecret, RAISED_LIMIT } from "./http/servers.js";
import { seed } from "./realtime/seed.js";
import { openSubscribers } from "./realtime/subscribers.js";
import { writeChanges } from "./realtime/writers.js";

const USAGE = `Usage: pnpm bench:realtime [--subscribers N] [--rate CHANGES_PER_S] [--seconds S] [--projects P] [--instances 1|2|both] [--smoke]
  defaults: 1000 subscribers, 100 changes/s for 10 s, 1 project, both (one instance, then two)
  --smoke: 50 subscribers, 20 changes/s for 3 s (what CI can afford)`;

const { values } = parseArgs({
  options: {
    subscribers: { type: "string", default: "1000" },
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "10" },
    projects: { type: "string", default: "1" },
    instances: { type: "string", default: "both" },
    smoke: { type: "boolean", default: false },
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
if (![subscribers, rate, seconds, projects].every((n) => Number.isInteger(n) && n > 0) || layouts.some((n) => n !== 1 && n !== 2)) {
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
    STREAM_MAX_PER_USER: String(subscribers + 10), MAX_CONNECTIONS: String(subscribers * 2 + 100),
  };
  return startServer({ name, core: undefined, command: process.execPath, args: [serverMain], env, port, readyPath: "/api/v1/ready" });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function run(instances: number) {
  const servers = await Promise.all(Array.from({ length: instances }, (_, i) => launchCadence(`cadence-${i + 1}`)));
  const urls = servers.map((server) => server.url);
  try {
    const data = await seed(urls[0] as string, projects, 5);
    await delay(1000);
    const before = servers.map((server) => rssMb(server.pid) ?? NaN);
    progress(`${instances} instance(s): opening ${subscribers} subscribers`);
    const subs = await openSubscribers(urls, data.projectIds, data.token, subscribers);
    await delay(2000);
    const after = servers.map((server) => rssMb(server.pid) ?? NaN);
    const perSubscriberKb = (after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)) * 1024 / subscribers;
    // Warm-up, not measured: one change through each instance (first reads on fresh pools, cold code paths).
    const warm = await writeChanges(urls, data.taskIds, data.token, 10, instances / 10);
    const warmDeadline = Date.now() + 15_000;
    while (subs.events() < (warm.ok * subscribers) / projects && Date.now() < warmDeadline) await delay(50);
    subs.reset();
    progress(`${instances} instance(s): ${rate} changes/s for ${seconds} s`);
    const written = await writeChanges(urls, data.taskIds, data.token, rate, seconds);
    const expected = (written.ok * subscribers) / projects;
    const deadline = Date.now() + 15_000;
    while (subs.events() < expected && Date.now() < deadline) await delay(100);
    subs.close();
    const sorted = [...subs.latencies].sort((a, b) => a - b);
    return {
      complete: written.ok === written.sent && subs.events() >= expected,
      instances,
      changes: `${written.ok}/${written.sent}`,
      delivered: `${subs.events()}/${expected}`,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
      perSubscriberKb,
      rss: after.map((mb) => mb.toFixed(0)).join(" + "),
    };
  } finally {
    for (const server of servers) process.kill(server.pid, "SIGTERM");
    await delay(500);
  }
}

const rows = [];
for (const instances of layouts) rows.push(await run(instances));
console.log(`\n${subscribers} subscribers on ${projects} project(s), ${rate} changes/s for ${seconds} s, PostgreSQL, Node ${process.version}\n`);
console.log("| instances | changes ok | events delivered | p50 ms | p99 ms | max ms | RSS per idle subscriber | server RSS MB |");
console.log("|---|---|---|---|---|---|---|---|");
for (const row of rows) {
  console.log(`| ${row.instances} | ${row.changes} | ${row.delivered} | ${row.p50} | ${row.p99} | ${row.max} | ${row.perSubscriberKb.toFixed(1)} KB | ${row.rss} |`);
}
// A change that failed or an event that never arrived is a broken feed, not a slow one.
if (rows.some((row) => !row.complete)) {
  console.error("bench:realtime: some changes failed or some events were not delivered");
  process.exit(1);
}
