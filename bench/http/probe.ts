import { isDeepStrictEqual } from "node:util";
import type { ServerProcess } from "./processes.js";
import { requestOf, serverOf } from "./rounds.js";
import { ROWS, type Row, type SeedData } from "./rows.js";
import type { ServerKey } from "./servers.js";

async function answer(row: Row, servers: Map<ServerKey, ServerProcess>, seed: SeedData): Promise<unknown> {
  const request = requestOf(row, serverOf(servers, row), seed);
  const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body ?? null });
  const text = await res.text();
  if (res.status !== row.expectStatus) {
    throw new Error(`${row.key}: ${request.method} ${request.url} answered ${res.status}, expected ${row.expectStatus}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text) as unknown;
}

/**
 * One request per row before any load, so a row never measures error answers: the expected status, and for twin
 * rows the same JSON as Cadence's REST answer on the same rows (proof that the twin does the same work).
 */
export async function checkRows(rows: Row[], servers: Map<ServerKey, ServerProcess>, seed: SeedData): Promise<void> {
  for (const row of rows) {
    const body = await answer(row, servers, seed);
    const reference = ROWS.find((candidate) => candidate.key === row.sameBodyAs);
    if (!reference) continue;
    const expected = await answer(reference, servers, seed);
    if (!isDeepStrictEqual(body, expected)) {
      throw new Error(`${row.key} answers differently from ${reference.key}:\n${JSON.stringify(body)}\n${JSON.stringify(expected)}`);
    }
  }
}
