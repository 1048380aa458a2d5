import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const entry = fileURLToPath(new URL("./trpc-page-client.ts", import.meta.url));

/** The tRPC page client as one browser script: no CDN, nothing but this origin. */
export async function bundleTrpcPageClient(): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, format: "iife", platform: "browser", target: "es2022", write: false, logLevel: "silent" });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild wrote no output for the tRPC page client");
  return output.text;
}

export interface PageOrigin {
  /** http://127.0.0.1:PORT: the origin the page's requests carry. */
  origin: string;
  close(): Promise<void>;
}

/** A second origin on another local port, serving an empty page and the bundled tRPC client. */
export async function servePageOrigin(script: string): Promise<PageOrigin> {
  const page = '<!doctype html><html><head><meta charset="utf-8"><script src="/client.js"></script></head><body></body></html>';
  const server: Server = createServer((req, res) => {
    const js = req.url === "/client.js";
    res.writeHead(200, { "content-type": js ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8" });
    res.end(js ? script : page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
