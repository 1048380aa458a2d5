import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { staticBody, type StaticBody } from "../http/static-body.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

export interface StaticFile {
  body: StaticBody;
  type: string;
}

/**
 * The files of a built directory by URL path (`/assets/index-abc.js`), listed once at start-up: a request can only
 * ever name a file that was there, so no path from a URL reaches the file system. Build metadata (`.vite/`) is left
 * out. Each file is read and compressed on first demand (staticBody), then served from memory.
 */
export function listStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.name.startsWith(".")) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const url = `/${relative(dir, path).split(sep).join("/")}`;
        files.set(url, { body: staticBody(() => readFile(path)), type: TYPES[extname(entry.name)] ?? "application/octet-stream" });
      }
    }
  };
  walk(dir);
  return files;
}
