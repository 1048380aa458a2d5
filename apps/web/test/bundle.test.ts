import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { distDir } from "./support/browser.js";

// Written by vite.config.ts's module list plugin on every build; the global setup rebuilds a stale dist/.
const modules = JSON.parse(readFileSync(join(distDir, ".vite", "modules.json"), "utf8")) as string[];
const scripts = readdirSync(join(distDir, "assets")).filter((name) => name.endsWith(".js"));

describe("the web app's bundle", () => {
  it("pulls in no server code: only types come from @cadence/api", () => {
    expect(modules.some((id) => id.includes("@trpc/client"))).toBe(true);
    expect(modules.some((id) => id.startsWith("packages/client/src/"))).toBe(true);
    const serverSide = modules.filter((id) =>
      /packages\/(api|db)\/|apps\/server|drizzle-orm|postgres|pglite|@node-rs|jose|zod|trpc-to-openapi|rate-limiter|pino|prom-client/.test(id),
    );
    expect(serverSide).toEqual([]);
    for (const name of scripts) {
      expect(readFileSync(join(distDir, "assets", name), "utf8"), name).not.toMatch(/argon2|createOpenApiDocument|appRouter|DATABASE_URL|JWT_SECRET/);
    }
  });

  it("is a production build even when a test runner (NODE_ENV=test) triggered it", () => {
    for (const name of scripts) {
      expect(readFileSync(join(distDir, "assets", name), "utf8"), name).not.toContain("Download the React DevTools");
    }
  });
});
