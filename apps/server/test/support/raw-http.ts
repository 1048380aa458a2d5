import { request, type IncomingHttpHeaders } from "node:http";

export interface RawRequest {
  method: string;
  /** Sent exactly as written (percent-encoding and all). */
  path: string;
  headers?: Record<string, string>;
  /** Sent with its Content-Length unless `chunked`; no body on a POST still declares `Content-Length: 0`. */
  body?: string | Buffer;
  chunked?: boolean;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection, with nothing added but Host and Connection; resolves with the whole answer. */
export function sendRaw(url: string, raw: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...raw.headers };
    const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
    if (!raw.chunked && headers["content-length"] === undefined && (body !== undefined || raw.method === "POST")) {
      headers["content-length"] = String(body?.length ?? 0);
    }
    let answered = false;
    const req = request(`${url}${raw.path}`, { method: raw.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    // A server that refuses a body may close while it is still being sent; only a missing answer is a failure.
    req.on("error", (error) => setImmediate(() => answered || reject(error)));
    if (body === undefined) return void req.end();
    if (!raw.chunked) return void req.end(body);
    // Several chunks, so the server sees a body of unknown length arrive piece by piece.
    const size = Math.ceil(body.length / 4);
    for (let at = 0; at < body.length; at += size) req.write(body.subarray(at, at + size));
    req.end();
  });
}
