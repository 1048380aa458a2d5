/** A settled request: its HTTP status, or `error` (refused, reset, crashed server) or `timeout` (hung). */
export interface Outcome {
  kind: "create" | "update" | "read";
  status: number | "error" | "timeout";
  startedAt: number;
  ms: number;
  retryAfter: string | null;
  body: string;
}

export interface Workload {
  outcomes: Outcome[];
  /** Ids of tasks whose create was acknowledged with 2xx. */
  created: Set<string>;
  /** Per task updated by a worker: the highest counter an acknowledged PATCH wrote to its description. */
  acknowledged: Map<string, number>;
  /** Resolves once `count` outcomes started at or after `since` satisfy `accept`. */
  until(count: number, since: number, accept?: (outcome: Outcome) => boolean): Promise<void>;
  /** Stops issuing requests and waits for every request in flight to settle. */
  stop(): Promise<void>;
}

export interface WorkloadOptions {
  url: string;
  token: string;
  projectId: string;
  /** One task per worker, which it PATCHes with an increasing counter. */
  taskIds: string[];
  /** A request that has not settled by then counts as hung. */
  hangMs: number;
}

/**
 * One worker per task, each sending requests back to back: creates (POST tasks), updates (PATCH its own task)
 * and reads (GET the task list), so reads and writes are in flight whenever the database goes away.
 */
export function startWorkload(options: WorkloadOptions): Workload {
  const outcomes: Outcome[] = [];
  const created = new Set<string>();
  const acknowledged = new Map<string, number>();
  const waiters = new Set<() => void>();
  const headers = { authorization: `Bearer ${options.token}`, "content-type": "application/json" };
  let running = true;
  let sequence = 0;

  async function send(kind: Outcome["kind"], path: string, init: RequestInit = {}): Promise<Outcome> {
    const startedAt = Date.now();
    let outcome: Outcome;
    try {
      const res = await fetch(`${options.url}/api/v1${path}`, { ...init, headers, signal: AbortSignal.timeout(options.hangMs) });
      const body = await res.text();
      outcome = { kind, status: res.status, startedAt, ms: Date.now() - startedAt, retryAfter: res.headers.get("retry-after"), body };
    } catch (error) {
      const status = error instanceof Error && error.name === "TimeoutError" ? "timeout" : "error";
      outcome = { kind, status, startedAt, ms: Date.now() - startedAt, retryAfter: null, body: String(error) };
    }
    outcomes.push(outcome);
    for (const waiter of waiters) waiter();
    return outcome;
  }

  async function worker(taskId: string): Promise<void> {
    for (let round = 0; running; round++) {
      const step = round % 3;
      if (step === 0) {
        const title = `fault ${sequence++}`;
        const outcome = await send("create", `/projects/${options.projectId}/tasks`, { method: "POST", body: JSON.stringify({ title }) });
        if (outcome.status === 201) created.add((JSON.parse(outcome.body) as { id: string }).id);
      } else if (step === 1) {
        const counter = round;
        const outcome = await send("update", `/tasks/${taskId}`, { method: "PATCH", body: JSON.stringify({ description: String(counter) }) });
        if (outcome.status === 200) acknowledged.set(taskId, Math.max(counter, acknowledged.get(taskId) ?? 0));
      } else {
        await send("read", `/projects/${options.projectId}/tasks?perPage=5`);
      }
    }
  }

  const workers = options.taskIds.map((taskId) => worker(taskId));
  return {
    outcomes,
    created,
    acknowledged,
    until: (count, since, accept = () => true) =>
      new Promise((resolve) => {
        const check = () => {
          if (outcomes.filter((outcome) => outcome.startedAt >= since && accept(outcome)).length < count) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}
