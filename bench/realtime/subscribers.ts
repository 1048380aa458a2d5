import { request, type ClientRequest } from "node:http";

/** Delivery latencies in ms, measured from each event's `at` (its transaction's start, so an upper bound of commit → subscriber). */
export interface Subscribers {
  latencies: number[];
  events(): number;
  /** Forgets what was measured so far (after a warm-up). */
  reset(): void;
  close(): void;
}

const AT = /"at":"([^"]+)"/g;

/**
 * Opens `count` REST event streams spread over `urls`, each on its own connection, waiting until every one answered
 * 200. Parsing is the minimum a latency needs: each frame's `at`, so the bench process is not what limits delivery.
 */
export async function openSubscribers(urls: string[], projectIds: string[], token: string, count: number): Promise<Subscribers> {
  const latencies: number[] = [];
  let events = 0;
  const requests: ClientRequest[] = [];
  const open = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const base = urls[index % urls.length] as string;
      const projectId = projectIds[index % projectIds.length] as string;
      const req = request(`${base}/api/v1/projects/${projectId}/events`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`subscriber ${index}: status ${res.statusCode}`));
        res.setEncoding("utf8");
        let tail = "";
        res.on("data", (chunk: string) => {
          const now = Date.now();
          const text = tail + chunk;
          const end = text.lastIndexOf("\n\n");
          tail = end === -1 ? text : text.slice(end + 2);
          for (const match of (end === -1 ? "" : text.slice(0, end)).matchAll(AT)) {
            events += 1;
            latencies.push(now - Date.parse(match[1] as string));
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
    latencies,
    events: () => events,
    reset: () => {
      latencies.length = 0;
      events = 0;
    },
    close: () => requests.forEach((req) => req.destroy()),
  };
}
