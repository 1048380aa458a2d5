import { hash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { COMPRESS_THRESHOLD } from "../http/compression.js";
import { appendVary } from "../http/vary.js";

/** The opaque part of an ETag from the procedure's output and its JSON text. */
export type EntityTagger = (output: unknown, json: string) => string;

/**
 * Weak ETags (`W/"…"`): the same representation may go out as identity, gzip or brotli, and a strong tag would have
 * to differ between them. By default the tag is a hash of the JSON body, so it changes with anything the body shows
 * (the row's updatedAt and version included) and two answers with one tag are the same representation, whoever asked.
 * A procedure may give its own (`meta.etag`: a task's version, which If-Match takes).
 */
export function entityTagger(own: ((output: unknown) => string) | undefined): EntityTagger {
  if (own) return (output) => `W/"${own(output)}"`;
  return (_output, json) => `W/"${hash("sha1", json, "base64url")}"`;
}

/** The tag without its weakness marker: If-None-Match compares weakly (RFC 9110, 13.1.2). */
function opaque(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}

/**
 * Whether `If-None-Match` lists the current tag (or is `*`: the resource exists), so a GET or HEAD answers 304.
 * A malformed member matches nothing, so a bad header costs a full answer, never a wrong 304.
 */
export function noneMatch(header: string | string[] | undefined, tag: string): boolean {
  if (header === undefined) return false;
  const value = (Array.isArray(header) ? header.join(",") : header).trim();
  if (value === "*") return true;
  const current = opaque(tag);
  return value.split(",").some((member) => opaque(member.trim()) === current);
}

/**
 * 304 Not Modified: no body, and the headers the 200 would have carried that a 304 must keep (RFC 9110, 15.4.5):
 * ETag and Cache-Control (already set), and Vary, including `Accept-Encoding` when the body would have been
 * compressible.
 */
export function sendNotModified(res: ServerResponse, tag: string, json: string): void {
  if (Buffer.byteLength(json) >= COMPRESS_THRESHOLD) appendVary(res, "Accept-Encoding");
  res.writeHead(304, { etag: tag });
  res.end();
}
