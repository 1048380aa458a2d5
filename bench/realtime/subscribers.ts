import { request, type ClientRequest } from "node:http";

/** Who received which event when: per event id, each subscriber's receipt time (performance.now()), 0 = not yet. */
export interface Deliveries {
  /** Receipts by event id, one slot per subscriber. */
  receipts: Map<string, Float64Array>;
  /** Events received, duplicates included. */
  events(): number;
  /** The same event id received twice on one stream (a broken "no duplicate"). */
  duplicates(): number;
  /** Forgets what was received so far (after a warm-up). */
  reset(): void;
  close(): void;
}

function nextId(text: string, from: number): number {
  const at = text.indexOf("\nid: ", from);
  return at === -1 ? -1 : at + 1;
}

/**
 * Opens `count` REST event streams spread over `urls` (subscriber i with `tokens[i % tokens.length]`), each on its own connection, waiting until every one answered
 * 200. The parsing is the least a latency needs, so the bench (which shares the cores) is not what limits delivery:
 * chunks stay one-byte strings, complete frames are cut at the blank line and only their `id:` line is read.
 */
export async function openSubscribers(urls: string[], projectIds: string[], tokens: string[], count: number): Promise<Deliveries> {
  const receipts = new Map<string, Float64Array>();
  let events = 0;
  let duplicates = 0;
  const requests: ClientRequest[] = [];
  const received = (subscriber: number, id: string, now: number) => {
    events += 1;
    let slots = receipts.get(id);
    if (!slots) receipts.set(id, (slots = new Float64Array(count)));
    if (slots[subscriber] !== 0) duplicates += 1;
    else slots[subscriber] = now;
  };
  const open = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const base = urls[index % urls.length] as string;
      const projectId = projectIds[index % projectIds.length] as string;
      const req = request(`${base}/api/v1/projects/${projectId}/events`, { headers: { authorization: `Bearer ${tokens[index % tokens.length] as string}` }, agent: false }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`subscriber ${index}: status ${res.statusCode}`));
        let tail = "";
        res.on("data", (chunk: Buffer) => {
          const now = performance.now();
          const text = tail + chunk.toString("latin1");
          const end = text.lastIndexOf("\n\n");
          if (end === -1) {
            tail = text;
            return;
          }
          tail = text.slice(end + 2);
          // Frames start with their `id:` line (the first one after `retry:`); a JSON body never holds "\nid: ".
          for (let at = text.startsWith("id: ") ? 0 : nextId(text, 0); at !== -1 && at < end; ) {
            const to = text.indexOf("\n", at + 4);
            received(index, text.slice(at + 4, to), now);
            at = nextId(text, to);
          }
        });
        res.on("error", () => {});
        resolve();
      });
      req.on("error", reject);
      req.end();
      requests.push(req);
    });
  for (let start = 0; start < count; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, i) => open(start + i)));
  }
  return {
    receipts,
    events: () => events,
    duplicates: () => duplicates,
    reset: () => {
      receipts.clear();
      events = 0;
      duplicates = 0;
    },
    close: () => requests.forEach((req) => req.destroy()),
  };
}
