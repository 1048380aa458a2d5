import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const clientDir = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
let app: string;

/** Runs a command; stdout and stderr together, for the failure message. */
function run(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  // What `pnpm install` runs in the workspace (the package's prepare script): builds dist/ when missing or stale.
  const prepared = run(["scripts/prepare.mjs"], clientDir);
  expect(prepared.code, prepared.output).toBe(0);
  // An app outside the workspace linking the package, as `pnpm add link:<repo>/packages/client` does.
  app = mkdtempSync(join(tmpdir(), "cadence-outside-"));
  mkdirSync(join(app, "node_modules", "@cadence"), { recursive: true });
  symlinkSync(clientDir, join(app, "node_modules", "@cadence", "client"), "dir");
  writeFileSync(join(app, "package.json"), JSON.stringify({ private: true, type: "module" }));
  // A plain strict project: no custom conditions, so types come from what the package ships.
  const compilerOptions = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: [] };
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
}, 300_000);

afterAll(() => rmSync(app, { recursive: true, force: true }));

describe("@cadence/client from an app outside the workspace", () => {
  // One tsc run for both files (the API's types take most of its ~10 s): the good call compiles, the wrong one does not.
  it("type-checks with the procedures' types, and rejects a wrong call", () => {
    writeFileSync(
      join(app, "main.ts"),
      `import { createCadenceClient, type RouterOutputs } from "@cadence/client";\n` +
        `const cadence = createCadenceClient({ url: "http://127.0.0.1:3000" });\n` +
        `export const page: Promise<RouterOutputs["tasks"]["list"]> = cadence.tasks.list.query({ projectId: "x", status: "pending" });\n`,
    );
    writeFileSync(join(app, "bad.ts"), `import { createCadenceClient } from "@cadence/client";\ncreateCadenceClient({ url: "x" }).tasks.list.query({ projectId: "x", status: "bogus" });\n`);
    const checked = run([tsc, "-p", "."], app);
    expect(checked.code).not.toBe(0);
    const errors = checked.output.split("\n").filter((line) => line.includes("error TS"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.ts\(2,\d+\): error TS2322: Type '"bogus"'/);
  }, 180_000);

  it("runs: the package's JavaScript is there too", () => {
    writeFileSync(join(app, "run.mjs"), `import { createCadenceClient } from "@cadence/client";\nconsole.log(typeof createCadenceClient({ url: "http://127.0.0.1:1" }).tasks.list.query);\n`);
    expect(run(["run.mjs"], app)).toEqual({ code: 0, output: "function\n" });
  });
});
