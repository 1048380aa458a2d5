import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));

describe("bundling an app that uses @cadence/client", () => {
  it("pulls in no server code: only types come from @cadence/api", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-bundle-"));
    try {
      const app = join(dir, "app.ts");
      writeFileSync(
        app,
        `import { createCadenceClient } from ${JSON.stringify(entry)};\n` +
          `const client = createCadenceClient({ url: "http://localhost:3000" });\n` +
          `client.tasks.list.query({ projectId: "x" }).then(console.log);\n`,
      );
      const result = await build({
        entryPoints: [app],
        bundle: true,
        write: false,
        platform: "browser",
        format: "esm",
        metafile: true,
        conditions: ["@cadence/source"],
        logLevel: "silent",
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((input) => input.includes("@trpc/client"))).toBe(true);
      const serverSide = inputs.filter((input) =>
        /packages\/(api|db)\/|apps\/server|drizzle-orm|postgres|pglite|@node-rs|jose|zod|trpc-to-openapi|rate-limiter/.test(input),
      );
      expect(serverSide).toEqual([]);
      const code = result.outputFiles[0]?.text ?? "";
      expect(code).not.toMatch(/argon2|createOpenApiDocument|appRouter/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
