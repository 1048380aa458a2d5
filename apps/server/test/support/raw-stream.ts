import { connect } from "node:net";

export interface RawStream {
  status: number;
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /** The decoded body so far. */
  body: string;
  /** The body's HTTP chunks as sent (their payloads), so a test can tell who wrote them. */
  chunks: string[];
  /** The terminating chunk arrived (the server ended the stream). */
  ended: boolean;
}

/**
 * A GET read off its socket until `until(body)` holds or the server ends the chunked response (then it resolves
 * too); rejects after `timeoutMs`. `onHead` hears when the response's head arrived. The connection is closed
 * before resolving.
 */
export function readRawStream(
  url: string,
  path: string,
  headers: Record<string, string>,
  until: (body: string) => boolean,
  onHead: () => void = () => {},
  timeoutMs = 10_000,
): Promise<RawStream> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const lines = Object.entries({ host: `${hostname}:${port}`, ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`GET ${path} HTTP/1.1\r\n${lines.join("")}\r\n`);
    let raw = Buffer.alloc(0);
    let head: { status: number; headers: Record<string, string> } | undefined;
    const chunks: string[] = [];
    let at = 0;
    let ended = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`stream ${path}: no end and no match within ${timeoutMs} ms; body so far: ${JSON.stringify(chunks.join(""))}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: head?.status ?? 0, headers: head?.headers ?? {}, body: chunks.join(""), chunks, ended });
    };
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("data", (data: Buffer) => {
      raw = Buffer.concat([raw, data]);
      if (!head) {
        const end = raw.indexOf("\r\n\r\n");
        if (end === -1) return;
        const [statusLine = "", ...fields] = raw.subarray(0, end).toString("latin1").split("\r\n");
        const parsed: Record<string, string> = {};
        for (const field of fields) {
          const colon = field.indexOf(":");
          const name = field.slice(0, colon).toLowerCase();
          const value = field.slice(colon + 1).trim();
          parsed[name] = parsed[name] === undefined ? value : `${parsed[name]}, ${value}`;
        }
        head = { status: Number(statusLine.split(" ")[1]), headers: parsed };
        at = end + 4;
        onHead();
      }
      // Whole chunks only: a size line, its payload and CRLF.
      for (;;) {
        const eol = raw.indexOf("\r\n", at);
        if (eol === -1) break;
        const size = parseInt(raw.subarray(at, eol).toString("latin1"), 16);
        if (raw.length < eol + 2 + size + 2) break;
        at = eol + 2 + size + 2;
        if (size === 0) {
          ended = true;
          return done();
        }
        chunks.push(raw.subarray(eol + 2, eol + 2 + size).toString("utf8"));
      }
      if (until(chunks.join(""))) done();
    });
    socket.on("end", () => done());
  });
}
