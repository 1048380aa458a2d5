import { execFileSync, spawnSync } from "node:child_process";
import { availableParallelism, cpus } from "node:os";

/** Where things run: servers on one core, the load generator on another, when the machine has both and taskset. */
export interface Placement {
  serverCore: number | undefined;
  loadCore: number | undefined;
  cores: number;
  cpuModel: string;
}

export function placement(): Placement {
  const cores = availableParallelism();
  const hasTaskset = spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
  const pin = hasTaskset && cores >= 2;
  return { serverCore: pin ? 1 : undefined, loadCore: pin ? 0 : undefined, cores, cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU" };
}

/** `command args` prefixed with `taskset -c core` when the process should be pinned. */
export function pinned(core: number | undefined, command: string, args: string[]): [string, string[]] {
  return core === undefined ? [command, args] : ["taskset", ["-c", String(core), command, ...args]];
}

export function nodeVersion(binary: string): string {
  return binary === process.execPath ? process.version : execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
}

export function describePlacement(where: Placement): string {
  const pinning =
    where.serverCore === undefined
      ? "not pinned (needs taskset and 2 cores)"
      : `each server pinned to core ${where.serverCore}, load generator to core ${where.loadCore}`;
  return `${where.cores} cores (nproc), ${where.cpuModel}; ${pinning}`;
}
