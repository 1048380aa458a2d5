import { parseArgs } from "node:util";
import { TRPCClientError } from "@cadence/client";
import { login, logout, whoami } from "./commands/auth.js";
import type { Command } from "./commands/command.js";
import { projectsExport, tasksImport } from "./commands/jobs.js";
import { projectsCreate, projectsList } from "./commands/projects.js";
import { tasksAdd, tasksAssign, tasksDone, tasksList, tasksRm, tasksShow } from "./commands/tasks.js";
import { tasksWatch } from "./commands/watch.js";
import { configPath, readConfig, serverUrl } from "./config.js";
import { contextFor, UsageError } from "./context.js";

const commands: Record<string, Command | Record<string, Command>> = {
  login,
  logout,
  whoami,
  projects: { list: projectsList, create: projectsCreate, export: projectsExport },
  tasks: { list: tasksList, add: tasksAdd, show: tasksShow, done: tasksDone, assign: tasksAssign, rm: tasksRm, watch: tasksWatch, import: tasksImport },
};

const COMMON =
  "Options everywhere: --json (raw procedure output), --help.\nServer: --url on login, CADENCE_URL, the URL stored at login, else http://127.0.0.1:3000 (HOST and PORT when set, like the server).";

function helpFor(path: string[], entry: Command | Record<string, Command>): string {
  if ("run" in entry && typeof entry.run === "function") {
    const command = entry as Command;
    return `Usage: cadence ${command.usage}\n\n${command.summary}.\n\n${COMMON}`;
  }
  const lines = Object.values(entry as Record<string, Command>).map((command) => `  cadence ${command.usage.padEnd(70)} ${command.summary}`);
  return `Usage:\n${lines.join("\n")}\n\n${COMMON}`;
}

function topHelp(): string {
  const lines: string[] = [];
  for (const entry of Object.values(commands)) {
    const list = "run" in entry ? [entry as Command] : Object.values(entry as Record<string, Command>);
    for (const command of list) lines.push(`  cadence ${command.usage.padEnd(70)} ${command.summary}`);
  }
  return `cadence: the Cadence command line, built on @cadence/client.\n\nUsage:\n${lines.join("\n")}\n\n${COMMON}`;
}

/** No answer at all from the server (refused, unreachable, DNS), as opposed to an error it sent. */
function unreachable(error: unknown): boolean {
  if (!(error instanceof TRPCClientError) || error.data) return false;
  return (error.cause as { code?: string } | undefined)?.code === "ECONNREFUSED" || /fetch failed/i.test(error.message);
}

/** The URL the failed command used: the same precedence as the commands (see serverUrl). */
async function urlTried(env: NodeJS.ProcessEnv, flag: string | undefined): Promise<string> {
  const stored = await readConfig(configPath(env)).catch(() => ({}));
  return serverUrl(env, stored, flag);
}

function describe(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const issues = (error.data as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
    return [error.message, ...issues.map((issue) => `  ${issue.path || "(input)"}: ${issue.message}`)].join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}

export interface Io {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Runs one command line and returns the exit code: 0 ok, 1 failed, 2 misused. */
export async function run(argv: string[], io: Io): Promise<number> {
  const words = argv.filter((arg) => !arg.startsWith("-"));
  let entry: Command | Record<string, Command> | undefined = commands[words[0] ?? ""];
  let path = words.slice(0, 1);
  if (entry && !("run" in entry)) {
    const sub: Command | undefined = (entry as Record<string, Command>)[words[1] ?? ""];
    if (sub) {
      entry = sub;
      path = words.slice(0, 2);
    }
  }
  const wantsHelp = argv.includes("--help") || argv.includes("-h");
  if (!entry) {
    if (wantsHelp || argv.length === 0) {
      io.stdout.write(`${topHelp()}\n`);
      return argv.length === 0 ? 2 : 0;
    }
    io.stderr.write(`error: unknown command "${words.join(" ")}"\n\n${topHelp()}\n`);
    return 2;
  }
  if (wantsHelp || !("run" in entry)) {
    io.stdout.write(`${helpFor(path, entry)}\n`);
    return wantsHelp ? 0 : 2;
  }
  const command = entry as Command;
  let flagUrl: string | undefined;
  try {
    const rest = argv.slice(argv.indexOf(path.at(-1) ?? "") + 1);
    const parsed = parseArgs({ args: rest, options: { ...command.options, json: { type: "boolean" } }, allowPositionals: true, strict: true });
    const values: Record<string, unknown> = parsed.values;
    flagUrl = typeof values.url === "string" ? values.url : undefined;
    const ctx = contextFor(io.env, io.stdin, io.stdout, io.stderr, parsed.values.json === true);
    await command.run(ctx, parsed);
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    if (unreachable(error)) {
      const url = await urlTried(io.env, flagUrl);
      io.stderr.write(`error: cannot reach the server at ${url} (is it running? set CADENCE_URL, or --url on login)\n`);
      return 1;
    }
    io.stderr.write(`error: ${describe(error)}\n`);
    if (usage) io.stderr.write(`\n${helpFor(path, command)}\n`);
    return usage ? 2 : 1;
  }
}
