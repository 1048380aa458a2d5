import { connect, type Socket } from "node:net";

/** Who received which event when: per event id, each subscriber's receipt time (performance.now()), 0 = not yet. */
export interface Deliveries {
  /** Receipts by event id, one slot per subscriber. */
  receipts: Map<string, Float64Array>;
  /** Events received, duplicates included. */
  events(): number;
  /** Socket reads that carried at least one event: how many writes the fan-out cost (a batch is one). */
  reads(): number;
  /** The same event id received twice on one stream (a broken "no duplicate"). */
  duplicates(): number;
  /** Forgets what was received so far (after a warm-up). */
  reset(): void;
  close(): void;
}

/** One read buffer for every socket: `onread` fills it and the callback copies out what it needs before returning. */
const readBuffer = Buffer.alloc(64 * 1024);

/**
 * A REST event stream read straight off its socket: the status line is checked, the chunked body decoded and each
 * complete frame's `id:` line read. Nothing else of HTTP is needed, and the bench shares the machine's two cores with
 * the server: node:http's client (parser, IncomingMessage, a Buffer and a stream step per read) cost more per read than
 * the server's write did, so its serial reading of a thousand sockets became part of what the bench measured.
 */
class EventStreamReader {
  private head = "";
  private headDone = false;
  /** Undecoded body bytes (latin1): a chunk's size line or data not complete yet. */
  private body = "";
  /** Bytes left of the current chunk's data; -1 = a size line comes next. */
  private left = -1;
  /** Bytes left of the CRLF that closes a chunk's data. */
  private skip = 0;
  /** Decoded stream text not yet ending in a blank line. */
  private frames = "";

  constructor(
    private readonly onStatus: (status: number) => void,
    private readonly onEvent: (id: string) => void,
  ) {}

  read(text: string): void {
    if (!this.headDone) {
      this.head += text;
      const end = this.head.indexOf("\r\n\r\n");
      if (end === -1) return;
      this.headDone = true;
      this.onStatus(Number(this.head.slice(9, 12)));
      if (!/\r\ntransfer-encoding: chunked\r\n/i.test(this.head.slice(0, end + 2))) throw new Error("event stream is not chunked");
      text = this.head.slice(end + 4);
      this.head = "";
    }
    this.body += text;
    let at = 0;
    let data = "";
    while (at < this.body.length) {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, this.body.length - at);
        at += skipped;
        this.skip -= skipped;
        continue;
      }
      if (this.left === -1) {
        const eol = this.body.indexOf("\r\n", at);
        if (eol === -1) break;
        this.left = parseInt(this.body.slice(at, eol), 16);
        at = eol + 2;
        if (!(this.left >= 0)) throw new Error("bad chunk size line");
      }
      const take = Math.min(this.left, this.body.length - at);
      data += this.body.slice(at, at + take);
      at += take;
      this.left -= take;
      if (this.left > 0) break;
      this.left = -1;
      this.skip = 2;
    }
    this.body = this.body.slice(at);
    if (data !== "") this.frameText(data);
  }

  private frameText(data: string): void {
    const text = this.frames + data;
    const end = text.lastIndexOf("\n\n");
    if (end === -1) {
      this.frames = text;
      return;
    }
    this.frames = text.slice(end + 2);
    // An `id:` line starts the text or follows a newline; a JSON `data:` line never holds a raw newline.
    for (let at = text.startsWith("id: ") ? 0 : nextId(text, 0); at !== -1 && at < end; ) {
      const to = text.indexOf("\n", at + 4);
      this.onEvent(text.slice(at + 4, to));
      at = nextId(text, to);
    }
  }
}

function nextId(text: string, from: number): number {
  const at = text.indexOf("\nid: ", from);
  return at === -1 ? -1 : at + 1;
}

/** Which feed the subscribers read: REST's event stream, or the tRPC subscription as httpSubscriptionLink asks for it. */
export type Surface = "rest" | "trpc";

/**
 * Opens `count` event streams spread over `urls` (subscriber i with `tokens[i % tokens.length]`), each on its own
 * connection, waiting until every one answered 200. Both surfaces put an `id:` line on every event.
 */
export async function openSubscribers(urls: string[], projectIds: string[], tokens: string[], count: number, surface: Surface): Promise<Deliveries> {
  const receipts = new Map<string, Float64Array>();
  let events = 0;
  let reads = 0;
  let duplicates = 0;
  const sockets: Socket[] = [];
  const open = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const { hostname, port } = new URL(urls[index % urls.length] as string);
      const projectId = projectIds[index % projectIds.length] as string;
      let now = 0;
      let counted = false;
      const reader = new EventStreamReader(
        (status) => (status === 200 ? resolve() : reject(new Error(`subscriber ${index}: status ${status}`))),
        (id) => {
          events += 1;
          if (!counted) {
            counted = true;
            reads += 1;
          }
          let slots = receipts.get(id);
          if (!slots) receipts.set(id, (slots = new Float64Array(count)));
          if (slots[index] !== 0) duplicates += 1;
          else slots[index] = now;
        },
      );
      const socket = connect({
        host: hostname,
        port: Number(port),
        onread: {
          buffer: readBuffer,
          callback: (size) => {
            now = performance.now();
            counted = false;
            reader.read(readBuffer.toString("latin1", 0, size));
            return true;
          },
        },
      });
      socket.setNoDelay(true);
      socket.on("error", (error) => reject(error));
      socket.write(
        `GET ${surface === "trpc" ? `/trpc/projects.events?input=${encodeURIComponent(JSON.stringify({ projectId }))}` : `/api/v1/projects/${projectId}/events`} HTTP/1.1\r\nhost: ${hostname}:${port}\r\naccept: text/event-stream\r\nauthorization: Bearer ${tokens[index % tokens.length] as string}\r\n\r\n`,
      );
      sockets.push(socket);
    });
  for (let start = 0; start < count; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, i) => open(start + i)));
  }
  return {
    receipts,
    events: () => events,
    reads: () => reads,
    duplicates: () => duplicates,
    reset: () => {
      receipts.clear();
      events = 0;
      reads = 0;
      duplicates = 0;
    },
    close: () => sockets.forEach((socket) => socket.destroy()),
  };
}
