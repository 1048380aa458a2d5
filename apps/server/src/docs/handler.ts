import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Swagger UI, served from the installed swagger-ui-dist package: no CDN, works offline. */
const uiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const assets: Record<string, { file?: string; type: string; body?: string }> = {
  "swagger-ui.css": { file: "swagger-ui.css", type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { file: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
  "favicon-32x32.png": { file: "favicon-32x32.png", type: "image/png" },
  "init.js": {
    type: "text/javascript; charset=utf-8",
    body: `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  validatorUrl: null,
  persistAuthorization: true
});
`,
  },
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Cadence API reference</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// Swagger UI sets inline styles; everything else must come from this server.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'";

const cache = new Map<string, Buffer>();

async function assetBody(name: string): Promise<Buffer | undefined> {
  // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
  const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
  if (!asset) return undefined;
  const cached = cache.get(name);
  if (cached) return cached;
  const body = asset.body === undefined ? await readFile(join(uiDir, asset.file ?? name)) : Buffer.from(asset.body);
  cache.set(name, body);
  return body;
}

/** Serves `/docs` and its assets; returns false for a path it does not own. */
export async function serveDocs(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === "/docs" || path === "/docs/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": CSP });
    res.end(req.method === "HEAD" ? undefined : page);
    return true;
  }
  const name = path.startsWith("/docs/") ? path.slice("/docs/".length) : "";
  const body = await assetBody(name);
  if (!body) return false;
  res.writeHead(200, {
    "content-type": assets[name]?.type ?? "application/octet-stream",
    "content-length": body.length,
    "cache-control": "public, max-age=3600",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}
