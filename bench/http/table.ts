import { RAW } from "./rows.js";
import { median, type RowResult } from "./rounds.js";

export interface Summary {
  key: string;
  reqPerSec: number;
  cpuUsPerRequest: number | undefined;
}

const integer = (value: number) => Math.round(value).toLocaleString("en-US");
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const ratio = (value: number | undefined, base: number | undefined) => (value === undefined || !base ? "—" : (value / base).toFixed(2));

/** Medians over the rounds: req/s, latency and server CPU per request. */
export function summarise(result: RowResult): Summary & { p50Ms: number; p99Ms: number; loopP99Ms?: number; loopMaxMs?: number; gcMsPerKReq?: number } {
  const of = (pick: (sample: RowResult["samples"][number]) => number | undefined) => {
    const values = result.samples.map(pick).filter((value): value is number => value !== undefined);
    return values.length === 0 ? undefined : median(values);
  };
  return {
    key: result.row.key,
    reqPerSec: of((sample) => sample.reqPerSec) ?? 0,
    p50Ms: of((sample) => sample.p50Ms) ?? Number.NaN,
    p99Ms: of((sample) => sample.p99Ms) ?? Number.NaN,
    cpuUsPerRequest: of((sample) => sample.cpuUsPerRequest),
    loopP99Ms: of((sample) => sample.loop?.delayP99Ms),
    loopMaxMs: of((sample) => sample.loop?.delayMaxMs),
    gcMsPerKReq: of((sample) => (sample.loop && sample.requests > 0 ? (sample.loop.gcMs * 1000) / sample.requests : undefined)),
  };
}

/** One markdown table: medians per row, ratios against raw node:http and against the row's twin. */
export function markdownTable(results: RowResult[]): string {
  const summaries = new Map(results.map((result) => [result.row.key, summarise(result)]));
  const raw = summaries.get(RAW)?.reqPerSec;
  const lines = [
    "| path | req/s | × raw | × twin | p50 ms | p99 ms | loop delay p99 / max ms | GC ms per 1k req | server CPU µs/req | RSS MB after | non-2xx |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const result of results) {
    const summary = summaries.get(result.row.key);
    if (!summary) continue;
    const twin = result.row.twin ? summaries.get(result.row.twin)?.reqPerSec : undefined;
    const non2xx = result.samples.reduce((sum, sample) => sum + sample.non2xx, 0);
    const socketErrors = result.samples.reduce((sum, sample) => sum + sample.socketErrors, 0);
    lines.push(
      `| ${[
        result.row.label,
        integer(summary.reqPerSec),
        ratio(summary.reqPerSec, raw),
        ratio(result.row.twin ? summary.reqPerSec : undefined, twin),
        ms(summary.p50Ms),
        ms(summary.p99Ms),
        summary.loopP99Ms === undefined || summary.loopMaxMs === undefined ? "—" : `${ms(summary.loopP99Ms)} / ${ms(summary.loopMaxMs)}`,
        summary.gcMsPerKReq === undefined ? "—" : ms(summary.gcMsPerKReq),
        summary.cpuUsPerRequest === undefined ? "—" : integer(summary.cpuUsPerRequest),
        result.rssMb === undefined ? "—" : integer(result.rssMb),
        socketErrors > 0 ? `${integer(non2xx)} (+${integer(socketErrors)} socket errors)` : integer(non2xx),
      ].join(" | ")} |`,
    );
  }
  return lines.join("\n");
}
