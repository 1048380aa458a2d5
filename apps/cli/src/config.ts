import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface StoredConfig {
  url?: string;
  accessToken?: string;
  refreshToken?: string;
}

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_PORT = 3000;

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

/**
 * Writes the config readable by its owner only (0600): it holds tokens. Written aside and renamed over the file, so
 * another cadence process reading it meanwhile sees the old config or the new one, never half of one.
 */
export async function writeConfig(path: string, config: StoredConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const aside = `${path}.${process.pid}.tmp`;
  await writeFile(aside, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(aside, 0o600);
  await rename(aside, path);
}

export async function removeConfig(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Where `pnpm start` listens with the same HOST and PORT: the server's defaults, 127.0.0.1:3000, when unset. */
function localServer(env: NodeJS.ProcessEnv): string {
  const port = /^\d{1,5}$/.test(env.PORT ?? "") ? Number(env.PORT) : 0;
  const host = env.HOST?.trim() || DEFAULT_HOST;
  // A server listening on every interface is reached on loopback; an IPv6 address needs brackets in a URL.
  const name = host === "0.0.0.0" || host === "::" ? DEFAULT_HOST : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${port >= 1 && port <= 65535 ? port : DEFAULT_PORT}`;
}

/**
 * --url wins over CADENCE_URL, which wins over the URL stored at login; without any of them the server's own HOST
 * and PORT (the variables `pnpm start` reads), else the server's default address.
 */
export function serverUrl(env: NodeJS.ProcessEnv, stored: StoredConfig, flag?: string): string {
  return flag || env.CADENCE_URL || stored.url || localServer(env);
}
