import { open, rm, stat } from "node:fs/promises";

/** A holder that died while refreshing leaves its lock file behind; one older than this is taken for abandoned. */
const STALE_MS = 30_000;
const RETRY_MS = 25;

async function ageOf(path: string): Promise<number> {
  return stat(path).then(
    (info) => Date.now() - info.mtimeMs,
    () => 0,
  );
}

/**
 * Runs `fn` holding `<config>.lock` (created exclusively), so cadence processes sharing one config file (two
 * `tasks watch`, a watch and another command) refresh its single-use refresh token one at a time.
 */
export async function withConfigLock<T>(configFile: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${configFile}.lock`;
  for (;;) {
    try {
      await (await open(lock, "wx", 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if ((await ageOf(lock)) > STALE_MS) await rm(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
