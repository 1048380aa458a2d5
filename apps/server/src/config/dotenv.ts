import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { ConfigError } from "./config-error.js";

/**
 * The environment with a `.env` file's variables underneath it: a variable the environment already sets wins, as
 * with `node --env-file`. No file is no change. Test runs (`NODE_ENV=test` in the environment) ignore the file, so
 * a developer's `.env` never points a test server at their own database.
 */
export function withDotEnv(env: NodeJS.ProcessEnv, file: string): NodeJS.ProcessEnv {
  if (env.NODE_ENV === "test") return env;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return env;
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  return { ...parseEnv(text), ...env };
}
