// Event-loop delay and GC time of a Cadence server during one sample, read from its GET /metrics (prom-client's
// default metrics: a monitorEventLoopDelay histogram that every scrape reads and resets, and GC durations by kind).
// What a p99 is made of: a loop blocked for 40 ms holds every connection's request for those 40 ms.

export interface LoopStats {
  /** Event-loop delay over the sample (prom-client samples it every 10 ms; a blocked loop is one long sample). */
  delayP99Ms: number;
  delayMaxMs: number;
  /** Main-thread GC pause time over the sample. */
  gcMs: number;
}

interface Scrape {
  p99Seconds: number;
  maxSeconds: number;
  gcSeconds: number;
}

function gauge(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

/** One scrape; undefined where the server has no metrics (raw, the twin, metrics off). */
async function scrape(url: string): Promise<Scrape | undefined> {
  const res = await fetch(`${url}/metrics`).catch(() => undefined);
  if (!res) return undefined;
  const text = await res.text();
  if (!res.ok) return undefined;
  let gcSeconds = 0;
  for (const match of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm)) gcSeconds += Number(match[1]);
  const [p99Seconds, maxSeconds] = [gauge(text, "nodejs_eventloop_lag_p99_seconds"), gauge(text, "nodejs_eventloop_lag_max_seconds")];
  // A server that answers every path (the raw one) has no such metrics.
  if (Number.isNaN(p99Seconds) || Number.isNaN(maxSeconds)) return undefined;
  return { p99Seconds, maxSeconds, gcSeconds };
}

/** Starts watching (the scrape resets the delay histogram); the returned function reads the stats since then. */
export async function watchLoop(url: string): Promise<() => Promise<LoopStats | undefined>> {
  const before = await scrape(url);
  return async () => {
    if (!before) return undefined;
    const after = await scrape(url);
    if (!after) return undefined;
    return { delayP99Ms: after.p99Seconds * 1000, delayMaxMs: after.maxSeconds * 1000, gcMs: (after.gcSeconds - before.gcSeconds) * 1000 };
  };
}
