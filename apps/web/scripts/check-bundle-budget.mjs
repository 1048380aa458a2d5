#!/usr/bin/env node
// The bundle budget CI checks after `pnpm build`: the JavaScript a first visit loads (the entry scripts and the
// chunks index.html preloads) must stay within 200 KB gzipped. Lazy chunks loaded later do not count.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 200 * 1024;
const dist = join(import.meta.dirname, "..", "dist");

let html;
try {
  html = readFileSync(join(dist, "index.html"), "utf8");
} catch {
  console.error("apps/web/dist/index.html is missing: run `pnpm build` (or `pnpm --filter @cadence/web build`) first");
  process.exit(1);
}

const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)].map((match) => match[1]);
const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)].map((match) => match[1]);
const initial = [...new Set([...scripts, ...preloads])];
if (initial.length === 0) {
  console.error("found no script in apps/web/dist/index.html");
  process.exit(1);
}

let total = 0;
for (const url of initial) {
  const gzipped = gzipSync(readFileSync(join(dist, url.replace(/^\//, ""))), { level: 9 }).length;
  total += gzipped;
  console.log(`${(gzipped / 1024).toFixed(1).padStart(7)} KB gzip  ${url}`);
}
const verdict = total <= BUDGET_BYTES ? "within" : "OVER";
console.log(`${(total / 1024).toFixed(1).padStart(7)} KB gzip  initial JavaScript: ${verdict} the ${BUDGET_BYTES / 1024} KB budget`);
if (total > BUDGET_BYTES) process.exit(1);
