import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface StoredConfig {
  url?: string;
  accessToken?: string;
  refreshToken?: string;
}

export const DEFAULT_URL = "http://127.0.0.1:3000";

/** `$XDG_CONFIG_HOME/cadence/config.json`, `~/.config/cadence/config.json` by default. */
export function configPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "cadence", "config.json");
}

export async function readConfig(path: string): Promise<StoredConfig> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as StoredConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Writes the config readable by its owner only (0600): it holds tokens. */
export async function writeConfig(path: string, config: StoredConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}

export async function removeConfig(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** CADENCE_URL wins over the stored URL, which wins over the default. */
export function serverUrl(env: NodeJS.ProcessEnv, stored: StoredConfig, flag?: string): string {
  return flag ?? env.CADENCE_URL ?? stored.url ?? DEFAULT_URL;
}
