import { createCadenceClient, type CadenceClient } from "@cadence/client";
import { configPath, readConfig, serverUrl, writeConfig, type StoredConfig } from "./config.js";
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
  const client = createCadenceClient({
    url: serverUrl(ctx.env, config),
    getAccessToken: () => config.accessToken,
    refreshToken: () => config.refreshToken,
    onTokens: async (tokens) => {
      config.accessToken = tokens.accessToken;
      config.refreshToken = tokens.refreshToken;
      await writeConfig(ctx.configFile, config);
    },
  });
  return { client, config };
}
