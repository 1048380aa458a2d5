import { Agent, request, type IncomingHttpHeaders } from "node:http";

export interface LoadReport {
  answered: number;
  /** Requests sent after `markSignal()` that got a response. */
  answeredAfterSignal: number;
  /** Of those, how many responses lacked `Connection: close`. */
  keptAliveAfterSignal: number;
  /** Failed requests by error code (ECONNREFUSED once the server stopped listening is expected). */
  errors: Record<string, number>;
}

export interface KeepAliveLoad {
  /** Resolves once this many requests have been answered, so the signal lands on warm, reused sockets. */
  warmedUp(answers: number): Promise<void>;
  /** Call right after signalling the server: later requests are counted as sent after the signal. */
  markSignal(): void;
  /** Resolves when every loop has ended (the server refused a new connection, or `deadlineMs` passed). */
  finished: Promise<LoadReport>;
}

function get(agent: Agent, url: string): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.headers));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * `sockets` loops, each sending `GET url` back to back over one keep-alive agent, until the server refuses a
 * connection: the client of a server that is stopped while busy.
 */
export function keepAliveLoad(url: string, sockets: number, deadlineMs = 30_000): KeepAliveLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const report: LoadReport = { answered: 0, answeredAfterSignal: 0, keptAliveAfterSignal: 0, errors: {} };
  let signalled = false;
  const deadline = Date.now() + deadlineMs;
  const waiters: { answers: number; resolve: () => void }[] = [];

  async function loop(): Promise<void> {
    while (Date.now() < deadline) {
      const afterSignal = signalled;
      try {
        const headers = await get(agent, url);
        report.answered += 1;
        if (afterSignal) {
          report.answeredAfterSignal += 1;
          if (headers.connection !== "close") report.keptAliveAfterSignal += 1;
        }
        for (const waiter of waiters) if (report.answered >= waiter.answers) waiter.resolve();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        report.errors[code] = (report.errors[code] ?? 0) + 1;
        if (code === "ECONNREFUSED") return;
      }
    }
  }

  const finished = Promise.all(Array.from({ length: sockets }, loop)).then(() => {
    agent.destroy();
    return report;
  });
  return {
    warmedUp: (answers) => new Promise((resolve) => waiters.push({ answers, resolve })),
    markSignal: () => (signalled = true),
    finished,
  };
}
