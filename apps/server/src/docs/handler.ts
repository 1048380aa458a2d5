import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { staticBody, type StaticBody } from "../http/static-body.js";

/** Swagger UI, served from the installed swagger-ui-dist package: no CDN, works offline. */
const require = createRequire(import.meta.url);
const uiDir = dirname(require.resolve("swagger-ui-dist/package.json"));
const uiVersion = (require("swagger-ui-dist/package.json") as { version: string }).version;

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

const initScript = assets["init.js"]?.body ?? "";
/**
 * The assets' URLs carry a version: swagger-ui-dist's, and a hash of our own init script. A new release changes the
 * URLs, so their content can be cached for a year without revalidation; the page that names them is revalidated
 * (ETag) on every visit. The unversioned names stay served, for links from elsewhere, with revalidation only.
 */
const VERSION = `${uiVersion}-${createHash("sha256").update(initScript).digest("hex").slice(0, 8)}`;
const VERSIONED = `/docs/${VERSION}/`;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Cadence API reference</title>
  <link rel="icon" type="image/png" href="${VERSIONED}favicon-32x32.png">
  <link rel="stylesheet" href="${VERSIONED}swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${VERSIONED}swagger-ui-bundle.js"></script>
  <script src="${VERSIONED}init.js"></script>
</body>
</html>
`;

// Swagger UI sets inline styles; everything else must come from this server.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'";

const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

const pageBody = staticBody(() => Buffer.from(page));
const bodies = new Map<string, StaticBody>(
  Object.entries(assets).map(([name, asset]) => [
    name,
    staticBody(() => (asset.body === undefined ? readFile(join(uiDir, asset.file ?? name)) : Buffer.from(asset.body))),
  ]),
);

/** The asset a path names and whether it names it by a versioned URL; undefined for a path that is no asset. */
function assetOf(path: string): { name: string; versioned: boolean } | undefined {
  const versioned = path.startsWith(VERSIONED);
  if (!versioned && !path.startsWith("/docs/")) return undefined;
  const name = path.slice(versioned ? VERSIONED.length : "/docs/".length);
  // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
  return Object.hasOwn(assets, name) ? { name, versioned } : undefined;
}

/** Serves `/docs` and its assets; returns false for a path it does not own. */
export async function serveDocs(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === "/docs" || path === "/docs/") {
    await pageBody.send(req, res, { "content-type": "text/html; charset=utf-8", "content-security-policy": CSP, "cache-control": REVALIDATE });
    return true;
  }
  const asset = assetOf(path);
  const body = asset && bodies.get(asset.name);
  if (!asset || !body) return false;
  await body.send(req, res, {
    "content-type": assets[asset.name]?.type ?? "application/octet-stream",
    "cache-control": asset.versioned ? IMMUTABLE : REVALIDATE,
  });
  return true;
}
