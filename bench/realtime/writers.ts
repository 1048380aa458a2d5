import { setTimeout as delay } from "node:timers/promises";

/**
 * Changes tasks at `perSecond` for `seconds`, paced by the clock (not by answers), round-robin over `urls` and the
 * tasks; returns how many changes committed (2xx).
 */
export async function writeChanges(urls: string[], taskIds: string[], token: string, perSecond: number, seconds: number): Promise<{ sent: number; ok: number }> {
  const started = Date.now();
  const total = Math.round(perSecond * seconds);
  const pending: Promise<boolean>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await delay(wait);
    const url = urls[i % urls.length] as string;
    const taskId = taskIds[i % taskIds.length] as string;
    pending.push(
      fetch(`${url}/api/v1/tasks/${taskId}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ title: `change ${i}` }),
      }).then(
        async (res) => (await res.arrayBuffer(), res.ok),
        () => false,
      ),
    );
  }
  const results = await Promise.all(pending);
  return { sent: total, ok: results.filter(Boolean).length };
}
