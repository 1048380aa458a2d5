import postgres from "postgres";
import { describePlacement, type Placement } from "./machine.js";
import type { RowResult } from "./rounds.js";
import { RAISED_LIMIT } from "./servers.js";
import { markdownTable, summarise } from "./table.js";

export interface ReportInput {
  results: RowResult[];
  when: Date;
  smoke: boolean;
  nodeVersion: string;
  placement: Placement;
  postgresVersion: string;
  generator: string;
  connections: number;
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  memoryLimiterUs: number | undefined;
}

export async function postgresVersion(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select split_part(current_setting('server_version'), ' ', 1) as version`;
    return String(row?.version);
  } finally {
    await sql.end();
  }
}

/** The rate limiters' own cost: the memory store in-process, the PostgreSQL store as the difference of two rows. */
function limiterNote(input: ReportInput): string {
  const notes = [`Rate limits are raised to ${RAISED_LIMIT} for the run; every request still counts against its limiter.`];
  if (input.memoryLimiterUs !== undefined) notes.push(`Memory store (the default): ${input.memoryLimiterUs.toFixed(1)} µs per request, in-process.`);
  const memoryRow = input.results.find((result) => result.row.key === "me-trpc");
  const storeRow = input.results.find((result) => result.row.key === "me-trpc-pg-limits");
  if (memoryRow && storeRow) {
    const [memory, store] = [summarise(memoryRow), summarise(storeRow)];
    const cpu =
      memory.cpuUsPerRequest !== undefined && store.cpuUsPerRequest !== undefined
        ? `, ${Math.round(store.cpuUsPerRequest - memory.cpuUsPerRequest)} µs more server CPU per request`
        : "";
    notes.push(`PostgreSQL store (\`RATE_LIMIT_STORE=postgres\`): \`/trpc/users.me\` at ${(store.reqPerSec / memory.reqPerSec).toFixed(2)}× the memory store's req/s${cpu}.`);
  }
  return notes.join(" ");
}

/** What the access log and metrics cost on the hot path: `users.me` over REST with both on (the default) and off. */
function observabilityNote(input: ReportInput): string {
  const onRow = input.results.find((result) => result.row.key === "me-rest");
  const offRow = input.results.find((result) => result.row.key === "me-rest-quiet");
  if (!onRow || !offRow) return "";
  const [on, off] = [summarise(onRow), summarise(offRow)];
  let cpu = "";
  if (on.cpuUsPerRequest !== undefined && off.cpuUsPerRequest !== undefined) {
    const more = Math.round(on.cpuUsPerRequest - off.cpuUsPerRequest);
    cpu = `, ${Math.abs(more)} µs ${more >= 0 ? "more" : "less"} server CPU per request (${Math.round(off.cpuUsPerRequest)} → ${Math.round(on.cpuUsPerRequest)}; compare with the rounds' spread)`;
  }
  return ` Access log + metrics (the default, vs \`LOG_LEVEL=warn METRICS_ENABLED=false\`): \`/api/v1/users/me\` at ${(on.reqPerSec / off.reqPerSec).toFixed(2)}× the req/s without them${cpu}.`;
}

/** The whole output: a header naming the machine and the method, the table, and what the ratios compare. */
export function report(input: ReportInput): string {
  const when = input.when.toISOString().replace("T", " ").slice(0, 16);
  return [
    `### HTTP benchmark, ${when} UTC${input.smoke ? " (smoke: too short to quote)" : ""}`,
    "",
    `- Node ${input.nodeVersion}; ${describePlacement(input.placement)}`,
    `- PostgreSQL ${input.postgresVersion} on loopback (throw-away, fsync off); load: ${input.generator}, ${input.connections} connections`,
    `- ${input.rounds} round(s) of ${input.durationSeconds} s per row, rows interleaved, after ${input.warmupSeconds} s of warm-up each; medians`,
    "",
    markdownTable(input.results),
    "",
    `× twin: the health rows against Fastify, the others against the twin doing the same work. ${limiterNote(input)}${observabilityNote(input)}`,
    "",
    "Loop delay and GC (Cadence rows with metrics on): the server's event-loop delay over the row's load (prom-client's histogram, sampled every 10 ms: a loop blocked for 40 ms holds every open request that long) and its main-thread GC pause time per 1,000 requests, read from its own `/metrics`.",
  ].join("\n");
}
