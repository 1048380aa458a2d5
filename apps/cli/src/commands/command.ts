import type { ParseArgsConfig } from "node:util";
import type { CliContext } from "../context.js";

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(ctx: CliContext, args: ParsedArgs): Promise<void>;
}
