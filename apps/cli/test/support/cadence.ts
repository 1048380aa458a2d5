import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const cliDir = fileURLToPath(new URL("../..", import.meta.url));

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The sources bundled once into one file, like a shipped binary: each command then starts in a fraction of the
 * CPU time of transpiling the sources through tsx on every run.
 */
export async function bundleCli(dir: string): Promise<string> {
  const binary = join(dir, "bin", "cadence.mjs");
  await build({
    entryPoints: [join(cliDir, "src/main.ts")],
    outfile: binary,
    bundle: true,
    platform: "node",
    format: "esm",
    conditions: ["@cadence/source"],
    logLevel: "silent",
  });
  return binary;
}

/** Runs a command with exactly the given environment (and PATH), collecting its output and exit code. */
export function runProcess(command: string, args: string[], options: { cwd: string; env: Record<string, string>; stdin?: string }): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { PATH: process.env.PATH ?? "", ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.stdin ?? "");
    child.on("error", (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
