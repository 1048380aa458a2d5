// `pnpm bench:http`: Cadence's HTTP paths side by side with raw node:http and a Fastify twin doing the same work
// (bench/http/twin-*.ts), on a throw-away PostgreSQL, each server pinned to one core. Prints one markdown table of
// medians over interleaved rounds. `--help` for the options; `--smoke` is what CI runs so the bench cannot rot.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, repoRoot } from "./http/build.js";
import { memoryLimiterUsPerRequest } from "./http/limiter-cost.js";
import { loadGenerator } from "./http/load.js";
import { nodeVersion, placement } from "./http/machine.js";
import { parseOptions, USAGE, type Options } from "./http/options.js";
import { checkRows } from "./http/probe.js";
import { runRounds } from "./http/rounds.js";
import { selectRows, type Row, type SeedData } from "./http/rows.js";
import { seedProjects, seedUser } from "./http/seed.js";
import { postgresVersion, report } from "./http/report.js";
import { launch, newJwtSecret, type ServerKey } from "./http/servers.js";
import type { ServerProcess } from "./http/processes.js";

const UNDER_POSTGRES = "CADENCE_BENCH_HTTP_UNDER_POSTGRES";
const progress = (line: string) => console.error(`bench:http: ${line}`);

function options(): Options & { rows: Row[]; serverNodeVersion: string } {
  try {
    const parsed = parseOptions(process.argv.slice(2));
    if (parsed !== "help") return { ...parsed, rows: selectRows(parsed.only), serverNodeVersion: nodeVersion(parsed.serverNode) };
    console.log(USAGE);
    process.exit(0);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
}

const opts = options();
ensureBuilt();

// The bench owns its database: it re-runs itself under scripts/with-postgres.sh, never against a DATABASE_URL it found.
if (process.env[UNDER_POSTGRES] !== "1") {
  const self = [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const result = spawnSync("bash", [join(repoRoot, "scripts/with-postgres.sh"), process.execPath, ...self], {
    stdio: "inherit",
    env: { ...process.env, [UNDER_POSTGRES]: "1" },
  });
  process.exit(result.status ?? 1);
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error("with-postgres.sh did not provide DATABASE_URL");
const rows = opts.rows;
const where = placement();
const generator = loadGenerator(opts.load);
const limiterUs = rows.some((row) => row.key === "me-trpc-pg-limits") ? await memoryLimiterUsPerRequest() : undefined;

const needed = new Set<ServerKey>(rows.map((row) => row.server));
if (rows.some((row) => row.seed === "pg")) needed.add("cadence");
progress(`starting ${[...needed].join(", ")}`);
const setup = { placement: where, node: opts.serverNode, databaseUrl, jwtSecret: newJwtSecret() };
const servers = new Map<ServerKey, ServerProcess>(await Promise.all([...needed].map(async (key) => [key, await launch(key, setup)] as const)));

progress("seeding through the REST API");
const seed: SeedData = {};
const cadence = servers.get("cadence");
if (cadence) seed.pg = await seedProjects(cadence.url, await seedUser(cadence.url, "bench"));
const pglite = servers.get("cadencePglite");
if (pglite) seed.pgliteToken = await seedUser(pglite.url, "bench");
await checkRows(rows, servers, seed);

const results = await runRounds(
  {
    rows,
    servers,
    seed,
    generator,
    connections: opts.connections,
    loadCore: where.loadCore,
    warmupSeconds: opts.warmupSeconds,
    durationSeconds: opts.durationSeconds,
    rounds: opts.rounds,
  },
  progress,
);

console.log(
  report({
    results,
    when: new Date(),
    smoke: opts.smoke,
    nodeVersion: opts.serverNodeVersion,
    placement: where,
    postgresVersion: await postgresVersion(databaseUrl),
    generator: generator.name,
    connections: opts.connections,
    rounds: opts.rounds,
    durationSeconds: opts.durationSeconds,
    warmupSeconds: opts.warmupSeconds,
    memoryLimiterUs: limiterUs,
  }),
);

const failed = results.filter((result) => result.samples.some((sample) => sample.non2xx > 0 || sample.socketErrors > 0 || sample.requests === 0));
if (failed.length > 0) {
  console.error(`bench:http: rows with errors or no answers: ${failed.map((result) => result.row.key).join(", ")}`);
  for (const key of new Set(failed.map((result) => result.row.server))) console.error(`--- ${key} log ---\n${servers.get(key)?.log().slice(-4000) ?? ""}`);
  process.exit(1);
}
process.exit(0);
