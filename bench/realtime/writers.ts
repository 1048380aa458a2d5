import { setTimeout as delay } from "node:timers/promises";

export interface Written {
  sent: number;
  /** Answered 2xx. */
  ok: number;
  /** Other answers by status (0: no answer), e.g. `{ "503": 12 }`. */
  failed: Record<string, number>;
  /** Request → response of each change, ms, sorted. */
  latencies: number[];
}

/**
 * Changes tasks at `perSecond` for `seconds`, paced by the clock (not by answers), round-robin over `urls` and the
 * tasks; reports how each write was answered and how long it took.
 */
export async function writeChanges(urls: string[], taskIds: string[], token: string, perSecond: number, seconds: number): Promise<Written> {
  const started = Date.now();
  const total = Math.round(perSecond * seconds);
  const pending: Promise<number>[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await delay(wait);
    const url = urls[i % urls.length] as string;
    const taskId = taskIds[i % taskIds.length] as string;
    const sentAt = performance.now();
    pending.push(
      fetch(`${url}/api/v1/tasks/${taskId}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ title: `change ${i}` }),
      }).then(
        async (res) => (await res.arrayBuffer(), latencies.push(performance.now() - sentAt), res.status),
        () => 0,
      ),
    );
  }
  const statuses = await Promise.all(pending);
  const failed: Record<string, number> = {};
  for (const status of statuses) if (status < 200 || status > 299) failed[status] = (failed[status] ?? 0) + 1;
  return { sent: total, ok: statuses.filter((status) => status >= 200 && status <= 299).length, failed, latencies: latencies.sort((a, b) => a - b) };
}
