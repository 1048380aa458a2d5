import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";

type HeaderList = OutgoingHttpHeaders | OutgoingHttpHeader[];
type HeaderValue = number | string | readonly string[];

/**
 * The server's responses (createServer's `ServerResponse` class). Every response carries a few headers whatever
 * answers it (the request id, the security headers): set one by one with `setHeader` at the start of each request
 * they are dear (Node validates and stores each one, then walks its store again in `writeHead`: on raw node:http
 * a health answer's 7 headers set that way cost 5.7 µs of CPU a response more than the same given as one list).
 * So they are held back until the status goes out: when nothing was set with `setHeader`, `writeHead` sends them
 * and its own headers as one flat list, Node's cheapest path. Otherwise they are added under the headers already set.
 * Either way a header of the same name set by the answer (with `setHeader` or in `writeHead`) wins over them.
 */
export class AppResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** Name/value pairs with lower-case names, until they are sent. */
  private defaults: HeaderValue[] | undefined = undefined;
  private progressive = false;

  /** Headers this response carries unless it sets its own of the same name: flat name/value pairs, lower-case names. */
  setDefaultHeaders(pairs: string[]): void {
    this.defaults = pairs;
  }

  override setHeader(name: string, value: number | string | readonly string[]): this {
    this.progressive = true;
    return super.setHeader(name, value);
  }

  override appendHeader(name: string, value: string | readonly string[]): this {
    this.progressive = true;
    return super.appendHeader(name, value);
  }

  override writeHead(statusCode: number, reasonOrHeaders?: string | HeaderList, headers?: HeaderList): this {
    const defaults = this.defaults;
    const reason = typeof reasonOrHeaders === "string" ? reasonOrHeaders : undefined;
    const given = reason === undefined ? (reasonOrHeaders as HeaderList | undefined) : headers;
    if (defaults === undefined || this.headersSent) return this.send(statusCode, reason, given);
    this.defaults = undefined;
    if (!this.progressive && !Array.isArray(given) && appendUnlessOverriding(defaults, given)) {
      return this.send(statusCode, reason, defaults as OutgoingHttpHeader[]);
    }
    // Node merges what `writeHead` is given over the headers set so far: the defaults go under both.
    for (let index = 0; index < defaults.length; index += 2) {
      const name = defaults[index] as string;
      if (!this.hasHeader(name)) super.setHeader(name, defaults[index + 1] as HeaderValue);
    }
    return this.send(statusCode, reason, given);
  }

  private send(statusCode: number, reason: string | undefined, headers: HeaderList | undefined): this {
    return reason === undefined ? super.writeHead(statusCode, headers) : super.writeHead(statusCode, reason, headers);
  }
}

/**
 * Appends `given` to the defaults' list and returns true, or returns false with the list as it was when `given` names
 * one of the defaults (in any case): then it, not the default, is to be sent.
 */
function appendUnlessOverriding(defaults: HeaderValue[], given: OutgoingHttpHeaders | undefined): boolean {
  if (given === undefined) return true;
  const count = defaults.length;
  for (const name of Object.keys(given)) {
    const lower = name.toLowerCase();
    for (let index = 0; index < count; index += 2) {
      if (defaults[index] === lower) {
        defaults.length = count;
        return false;
      }
    }
    defaults.push(name, given[name] as HeaderValue);
  }
  return true;
}
