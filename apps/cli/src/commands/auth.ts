import { createCadenceClient } from "@cadence/client";
import { readConfig, removeConfig, serverUrl, writeConfig } from "../config.js";
import { signedInClient, UsageError, type CliContext } from "../context.js";
import { keyValues, print } from "../output.js";
import { readPassword } from "../prompt.js";
import type { Command } from "./command.js";

export const login: Command = {
  usage: "login --username U [--url URL]",
  summary: "Log in (password from stdin when piped, else prompted without echo)",
  options: { username: { type: "string", short: "u" }, url: { type: "string" } },
  run: async (ctx: CliContext, { values }) => {
    const username = values.username as string | undefined;
    if (!username) throw new UsageError("--username is required");
    const stored = await readConfig(ctx.configFile);
    const url = serverUrl(ctx.env, stored, values.url as string | undefined);
    const password = await readPassword(ctx.stdin, ctx.stderr);
    if (!password) throw new UsageError("No password given");
    const tokens = await createCadenceClient({ url }).auth.login.mutate({ username, password });
    await writeConfig(ctx.configFile, { url, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
    print(ctx.out, { url, username }, () => `Logged in to ${url} as ${username}`);
  },
};

export const logout: Command = {
  usage: "logout",
  summary: "End the stored session and forget its tokens",
  options: {},
  run: async (ctx) => {
    const config = await readConfig(ctx.configFile);
    if (config.refreshToken) {
      await createCadenceClient({ url: serverUrl(ctx.env, config) })
        .auth.logout.mutate({ refreshToken: config.refreshToken })
        .catch(() => undefined);
    }
    if (config.url) await writeConfig(ctx.configFile, { url: config.url });
    else await removeConfig(ctx.configFile);
    print(ctx.out, { loggedOut: true }, () => "Logged out");
  },
};

export const whoami: Command = {
  usage: "whoami",
  summary: "Show the signed-in user",
  options: {},
  run: async (ctx) => {
    const { client } = await signedInClient(ctx);
    const me = await client.users.me.query();
    print(ctx.out, me, () => keyValues(me, ["username", "email", "name", "role", "id"]));
  },
};
