import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { pinned } from "./machine.js";

/** One server process under test: its base URL, its pid (for RSS and CPU time) and its log. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  log(): string;
}

const children = new Set<ChildProcess>();
export const workDir = mkdtempSync(join(tmpdir(), "cadence-bench-http-"));

// Servers must not outlive the bench, whatever way it ends.
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(workDir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface SpawnOptions {
  name: string;
  core: number | undefined;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  /** Path answering 200 once the server is ready. */
  readyPath: string;
}

/** Starts a server (pinned when asked), its output in a log file, and waits until `readyPath` answers 200. */
export async function startServer(options: SpawnOptions): Promise<ServerProcess> {
  const logFile = join(workDir, `${options.name}.log`);
  const out = openSync(logFile, "w");
  const [command, args] = pinned(options.core, options.command, options.args);
  const child = spawn(command, args, { env: options.env, stdio: ["ignore", out, out] });
  closeSync(out);
  children.add(child);
  child.once("exit", () => children.delete(child));
  const url = `http://127.0.0.1:${options.port}`;
  const log = () => readFileSync(logFile, "utf8");
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode} before it was ready:\n${log()}`);
    const status = await fetch(url + options.readyPath).then(
      (res) => res.arrayBuffer().then(() => res.status),
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error(`${options.name} was not ready within 120 s:\n${log()}`);
    await delay(200);
  }
  if (child.pid === undefined) throw new Error(`${options.name} has no pid`);
  return { name: options.name, url, pid: child.pid, log };
}

/** Resident set size in MB from /proc, or undefined where there is no /proc. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process in milliseconds, from /proc (undefined where there is none). */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
