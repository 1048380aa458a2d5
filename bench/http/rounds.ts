import { setTimeout as delay } from "node:timers/promises";
import type { HttpRequest, LoadGenerator, LoadResult, LoadSettings } from "./load.js";
import { watchLoop, type LoopStats } from "./loop-stats.js";
import { cpuMs, rssMb, type ServerProcess } from "./processes.js";
import { tokenFor, type Row, type SeedData } from "./rows.js";
import type { ServerKey } from "./servers.js";

export interface Sample extends LoadResult {
  reqPerSec: number;
  /** Server CPU time (user + system) per request, in microseconds. */
  cpuUsPerRequest: number | undefined;
  /** Cadence servers only: event-loop delay and GC over the sample, from the server's own metrics. */
  loop: LoopStats | undefined;
}

export interface RowResult {
  row: Row;
  samples: Sample[];
  /** Server RSS right after the row's last round. */
  rssMb: number | undefined;
}

export interface Plan {
  rows: Row[];
  servers: Map<ServerKey, ServerProcess>;
  seed: SeedData;
  generator: LoadGenerator;
  connections: number;
  loadCore: number | undefined;
  warmupSeconds: number;
  durationSeconds: number;
  rounds: number;
}

export function serverOf(servers: Map<ServerKey, ServerProcess>, row: Row): ServerProcess {
  const server = servers.get(row.server);
  if (!server) throw new Error(`server ${row.server} is not running`);
  return server;
}

export function requestOf(row: Row, server: ServerProcess, seed: SeedData): HttpRequest {
  const headers: Record<string, string> = {};
  const token = tokenFor(row, seed);
  if (token) headers.authorization = `Bearer ${token}`;
  const body = row.body?.(seed);
  if (body !== undefined) headers["content-type"] = "application/json";
  return { method: row.method, url: server.url + row.path(seed), headers, ...(body === undefined ? {} : { body }) };
}

/**
 * Waits (up to 5 s) until a server has stopped using the CPU: every server shares the pinned core, so the tail of one
 * row (requests still queued when the load stopped, GC) must not run into the next row's measurement.
 */
async function settle(pid: number): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 200) {
    const before = cpuMs(pid);
    await delay(200);
    const after = cpuMs(pid);
    if (before === undefined || after === undefined || after - before <= 10) return;
  }
}

async function sample(plan: Plan, row: Row, seconds: number): Promise<Sample> {
  const server = serverOf(plan.servers, row);
  const settings: LoadSettings = { connections: plan.connections, seconds, core: plan.loadCore };
  const loopStats = await watchLoop(server.url);
  const cpuBefore = cpuMs(server.pid);
  const result = await plan.generator.run(requestOf(row, server, plan.seed), settings);
  const cpuAfter = cpuMs(server.pid);
  const loop = await loopStats();
  await settle(server.pid);
  const cpuUsPerRequest = cpuBefore === undefined || cpuAfter === undefined || result.requests === 0 ? undefined : ((cpuAfter - cpuBefore) * 1000) / result.requests;
  return { ...result, reqPerSec: result.requests / result.seconds, cpuUsPerRequest, loop };
}

/** Warms every row up once, then runs the rounds with the rows interleaved (A B C, A B C, …). */
export async function runRounds(plan: Plan, progress: (line: string) => void): Promise<RowResult[]> {
  const results = plan.rows.map((row): RowResult => ({ row, samples: [], rssMb: undefined }));
  for (const row of plan.rows) {
    progress(`warm-up ${row.key}`);
    await sample(plan, row, plan.warmupSeconds);
  }
  for (let round = 1; round <= plan.rounds; round++) {
    for (const result of results) {
      const measured = await sample(plan, result.row, plan.durationSeconds);
      result.samples.push(measured);
      result.rssMb = rssMb(serverOf(plan.servers, result.row).pid);
      progress(`round ${round}/${plan.rounds} ${result.row.key}: ${Math.round(measured.reqPerSec)} req/s, ${measured.non2xx} non-2xx`);
    }
  }
  return results;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
