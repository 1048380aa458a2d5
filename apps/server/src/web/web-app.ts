import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import Negotiator from "negotiator";
import { listStaticFiles } from "./static-files.js";

/** Hashed build assets change name when their content changes: cached for a year, never revalidated. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** The page (and unhashed files such as the icon) name the current assets: revalidated (ETag) on every visit. */
const REVALIDATE = "no-cache";
const HASHED_DIR = "/assets/";

/** Everything the app loads comes from this origin; no inline script or style, no framing. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The web app's own routes (apps/web/src/app.tsx): the page is served for them, every other path keeps its 404. */
const APP_ROUTE = /^\/(?:signin|projects(?:\/[^/.]*)*)\/?$/;

export interface WebApp {
  /** True when the client asks for a page (a browser) rather than JSON at `/`: by the Accept header's preferences. */
  wantsPage(req: IncomingMessage): boolean;
  /** Serves the page (at `/`, for a client that wants it). */
  page(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Serves a built file, or the page for an app route; false for any other path. GET and HEAD only. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

/**
 * The built web app (apps/web's `dist/`, WEB_DIR) served from this server; undefined when there is no build (then `/`
 * stays the JSON index). The server depends on the build's output directory only, never on the app's code.
 */
export function loadWebApp(dir: string | undefined): WebApp | undefined {
  if (!dir || !existsSync(join(dir, "index.html"))) return undefined;
  let files: ReturnType<typeof listStaticFiles>;
  try {
    files = listStaticFiles(dir);
  } catch {
    // A build replacing the directory under us (vite empties it first): serve no app rather than fail to start.
    return undefined;
  }
  const index = files.get("/index.html");
  if (!index) return undefined;

  const sendPage = (req: IncomingMessage, res: ServerResponse) =>
    index.body.send(req, res, { "content-type": index.type, "cache-control": REVALIDATE, "content-security-policy": CSP });

  return {
    wantsPage: (req) => new Negotiator(req).mediaType(["application/json", "text/html"]) === "text/html",
    page: sendPage,
    async serve(req, res, path) {
      if (path === "/index.html") {
        await sendPage(req, res);
        return true;
      }
      const file = files.get(path);
      if (file) {
        await file.body.send(req, res, { "content-type": file.type, "cache-control": path.startsWith(HASHED_DIR) ? IMMUTABLE : REVALIDATE });
        return true;
      }
      if (!APP_ROUTE.test(path) || new Negotiator(req).mediaType(["text/html"]) === undefined) return false;
      await sendPage(req, res);
      return true;
    },
  };
}
