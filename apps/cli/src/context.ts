import { createCadenceClient, type CadenceClient } from "@cadence/client";
import { configPath, readConfig, serverUrl, writeConfig, type StoredConfig } from "./config.js";
import { withConfigLock } from "./config-lock.js";
import type { Output } from "./output.js";

/** What every command gets: its streams, environment and a way to reach the server. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  out: Output;
  configFile: string;
}

export function contextFor(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream, json: boolean): CliContext {
  return { env, stdin, stderr, out: { json, write: (text) => stdout.write(`${text}\n`) }, configFile: configPath(env) };
}

export class UsageError extends Error {}

/** A client signed in with the stored tokens; refreshed tokens are written back to the config file. */
export async function signedInClient(ctx: CliContext): Promise<{ client: CadenceClient; config: StoredConfig }> {
  const config = await readConfig(ctx.configFile);
  if (!config.accessToken) throw new UsageError("Not logged in: run `cadence login --username <name>` first");
  // Read again for every request: another cadence process (a second watch, a command run meanwhile) may have
  // refreshed the tokens, and the refresh token it spent must not be presented again (that revokes the session).
  const stored = () => readConfig(ctx.configFile);
  const client = createCadenceClient({
    url: serverUrl(ctx.env, config),
    getAccessToken: async () => (await stored()).accessToken,
    refreshToken: async () => (await stored()).refreshToken,
    refreshExclusively: (refresh) => withConfigLock(ctx.configFile, refresh),
    onTokens: async (tokens) => {
      await writeConfig(ctx.configFile, { ...(await stored()), accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
    },
  });
  return { client, config };
}
