import type { ServerResponse } from "node:http";

/**
 * True for the errors a request raises because its client went away mid-request: Node's "aborted" reset of the
 * request stream, or a stream that closed before its end. These are not server errors. A reset of some other
 * connection (the database's: "read ECONNRESET") is.
 */
export function isClientAbort(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code === "ECONNRESET" && current.message === "aborted") return true;
    if (code === "ERR_STREAM_PREMATURE_CLOSE") return true;
  }
  return false;
}

/**
 * Calls `onAbandoned` if the response's connection closes before the response is complete: the client left (or
 * the request timeout cut it off). Called only once `handled` has settled too, so whatever the handler logs about
 * the request comes first.
 */
export function onAbandoned(res: ServerResponse, handled: Promise<unknown>, report: () => void): void {
  let settled = false;
  let abandoned = false;
  const check = () => {
    if (settled && abandoned) report();
  };
  res.once("close", () => {
    abandoned = !res.writableFinished;
    check();
  });
  void handled.finally(() => {
    settled = true;
    check();
  });
}
