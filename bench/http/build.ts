import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");
export const serverMain = join(repoRoot, "apps/server/dist/main.js");

/** The workspaces the built server runs from, each with the file its build writes last. */
const BUILT = [
  { dir: "apps/server", output: "dist/main.js" },
  { dir: "packages/api", output: "dist/index.js" },
  { dir: "packages/db", output: "dist/index.js" },
];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), 0);
}

function staleWorkspaces(): string[] {
  return BUILT.filter(({ dir, output }) => {
    const built = join(repoRoot, dir, output);
    if (!existsSync(built)) return true;
    const inputs = ["src", "package.json", ...readdirSync(join(repoRoot, dir)).filter((name) => /^tsconfig.*\.json$/.test(name))];
    return Math.max(...inputs.map((input) => newestMtime(join(repoRoot, dir, input)))) > statSync(built).mtimeMs;
  }).map(({ dir }) => dir);
}

/** Builds the server and its workspace dependencies when a dist it needs is missing or older than its sources. */
export function ensureBuilt(): void {
  const stale = staleWorkspaces();
  if (stale.length === 0) return;
  console.error(`bench:http: building (${stale.join(", ")} missing or older than the sources)`);
  const result = spawnSync("pnpm", ["build", "--filter=@cadence/server..."], { cwd: repoRoot, stdio: ["ignore", 2, 2] });
  if (result.status !== 0) throw new Error(`pnpm build --filter=@cadence/server... failed with status ${result.status}`);
}
