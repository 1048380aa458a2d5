import { resolve } from "node:path";
import { databaseKind } from "@cadence/db";
import { z } from "zod";

/** The repository root, the same from src/ and dist/: the embedded database lives in `.data/` there. */
const repoRoot = resolve(import.meta.dirname, "../../..");

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: port.default(3000),
  DATABASE_URL: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        databaseKind(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be unset, memory:// or a postgres:// / postgresql:// URL" });
      }
    }),
  DATA_DIR: z.string().min(1).default(resolve(repoRoot, ".data")),
  READY_TIMEOUT_MS: positiveInt.default(2000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  PUBLIC_URL: z.url().optional().describe("Absolute origin clients use, for the OpenAPI servers entry"),
});

export type Env = z.infer<typeof EnvSchema>;

/** Thrown for invalid configuration; the message names every offending variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads the environment once. This is the only module that touches `process.env`. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const blanksRemoved = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = EnvSchema.safeParse(blanksRemoved);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}
