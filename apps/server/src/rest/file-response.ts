import type { ServerResponse } from "node:http";
import { sendBody } from "../http/compression.js";

/** A procedure's file output (see `meta.fileResponse`). */
export interface FileOutput {
  filename: string;
  contentType: string;
  content: string;
}

/** The file itself: its media type, `Content-Disposition: attachment` naming it, compressed when accepted. */
export function sendFile(res: ServerResponse, file: FileOutput): void {
  // The name is ours (ids and a suffix), but quote-safe anyway; filename* carries it for clients that prefer it.
  const safe = file.filename.replace(/["\\\r\n]/g, "_");
  sendBody(res.req, res, 200, { "content-type": file.contentType, "content-disposition": `attachment; filename="${safe}"; filename*=UTF-8''${encodeURIComponent(file.filename)}` }, file.content);
}
