import { resolve } from "node:path";
import { databaseKind } from "@cadence/db";
import { z } from "zod";
import { ConfigError } from "./config-error.js";
import { withDotEnv } from "./dotenv.js";
import { byteSize, corsOrigins, duration, jwtKeySet, port, rateRule, trustProxy } from "./env-parsers.js";

/** The repository root, the same from src/config/ and dist/config/: the embedded database lives in `.data/` there. */
const repoRoot = resolve(import.meta.dirname, "../../../..");

const POSITIVE = "must be a positive whole number";
const positiveInt = z.coerce.number({ error: POSITIVE }).int(POSITIVE).positive(POSITIVE);
const HEAP_GROWTH = "must be a whole number from 0 to 300";
const flag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

const EnvSchema = z
  .object({
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
    WEB_DIR: z.string().min(1).default(resolve(repoRoot, "apps/web/dist")),
    READY_TIMEOUT_MS: positiveInt.default(2000),
    DATABASE_TIMEOUT_MS: positiveInt.default(2000),
    DATABASE_POOL_MAX: positiveInt.default(10),
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
    HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
    REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
    KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(5_000),
    MAX_CONNECTIONS: positiveInt.default(1_000),
    STREAM_MAX_PER_USER: positiveInt.default(5),
    JOB_RETENTION_HOURS: z.coerce.number({ error: "must be a positive number of hours" }).positive("must be a positive number of hours").default(24),
    JOB_TIMEOUT_SECONDS: positiveInt.default(300),
    PUBLIC_URL: z.url().optional(),
    BODY_LIMIT: byteSize.default(1024 * 1024),
    CORS_ORIGINS: corsOrigins.default([]),
    HEAP_GROWTH_PERCENT: z.coerce.number({ error: HEAP_GROWTH }).int(HEAP_GROWTH).min(0, HEAP_GROWTH).max(300, HEAP_GROWTH).default(30),

    JWT_SECRET: z.string().refine((value) => Buffer.byteLength(value) >= 32, "must be at least 32 bytes").optional(),
    JWT_KEYS: jwtKeySet.optional(),
    JWT_ISSUER: z.string().min(1).default("cadence"),
    JWT_AUDIENCE: z.string().min(1).default("cadence-api"),
    ACCESS_TOKEN_TTL: duration.default(15 * 60),
    REFRESH_TOKEN_TTL: duration.default(7 * 24 * 60 * 60),

    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
    ADMIN_USERNAME: z.string().regex(/^[a-z0-9_-]{3,32}$/, "3-32 characters of a-z, 0-9, _ and -").default("admin"),
    SEED_DEMO: flag.optional(),

    RATE_LIMIT_STORE: z.enum(["memory", "postgres"]).default("memory"),
    RATE_LIMIT_LOGIN: rateRule.default({ points: 5, durationSeconds: 60 }),
    RATE_LIMIT_REGISTER: rateRule.default({ points: 20, durationSeconds: 3600 }),
    RATE_LIMIT_REFRESH: rateRule.default({ points: 30, durationSeconds: 60 }),
    RATE_LIMIT_REQUESTS: rateRule.default({ points: 600, durationSeconds: 60 }),
    TRUST_PROXY: trustProxy.default(0),
    PASSWORD_HASH_COST: z.enum(["standard", "test"]).default("standard"),

    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default("cadence"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    METRICS_ENABLED: flag.default(true),
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  })
  // Runs even when some variables are invalid, so one start reports every problem. A rule reads only variables that
  // parsed: a rule about an invalid one is skipped, since that variable's own message already names it.
  .superRefine(
    (env, ctx) => {
      const invalid = new Set(ctx.issues.map((issue) => issue.path?.[0]));
      const valid = (...names: (keyof Env)[]) => names.every((name) => !invalid.has(name));
      const issue = (variable: string, message: string) => ctx.addIssue({ code: "custom", path: [variable], message });
      const jwtValid = valid("JWT_SECRET", "JWT_KEYS");
      if (jwtValid && env.JWT_SECRET !== undefined && env.JWT_KEYS !== undefined) issue("JWT_KEYS", "set JWT_SECRET or JWT_KEYS, not both");
      if (valid("NODE_ENV") && env.NODE_ENV === "production") {
        if (jwtValid && env.JWT_SECRET === undefined && env.JWT_KEYS === undefined) {
          issue("JWT_SECRET", "is required in production (at least 32 bytes), or set JWT_KEYS");
        }
        if (valid("SEED_DEMO") && env.SEED_DEMO === true) issue("SEED_DEMO", "demo data is never seeded in production");
      }
      if (valid("HEADERS_TIMEOUT_MS", "REQUEST_TIMEOUT_MS") && env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
        issue("HEADERS_TIMEOUT_MS", "must not exceed REQUEST_TIMEOUT_MS");
      }
      if (valid("PASSWORD_HASH_COST", "NODE_ENV") && env.PASSWORD_HASH_COST === "test" && env.NODE_ENV !== "test") {
        issue("PASSWORD_HASH_COST", "test is a cheap cost for test suites and needs NODE_ENV=test");
      }
      if (valid("ADMIN_EMAIL", "ADMIN_PASSWORD") && (env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
        issue(env.ADMIN_EMAIL === undefined ? "ADMIN_EMAIL" : "ADMIN_PASSWORD", "ADMIN_EMAIL and ADMIN_PASSWORD go together");
      }
    },
    { when: () => true },
  );

export type Env = z.infer<typeof EnvSchema>;

export { ConfigError };

/** Reads the environment once. This is the only module that touches `process.env`. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const blanksRemoved = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = EnvSchema.safeParse(blanksRemoved);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

/** The server process's configuration: its environment over the `.env` file in the working directory, if any. */
export function loadProcessEnv(): Env {
  return loadEnv(withDotEnv(process.env, resolve(".env")));
}
