import { pino, type DestinationStream, type LevelWithSilent, type Logger } from "pino";

export type { Logger };
export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines (pino-pretty) instead of JSON; for a developer's terminal only. */
  pretty?: boolean;
  /** Fields added to every line, computed when it is written (tracing wires `trace_id` in here). */
  fields?: () => Record<string, unknown>;
  /** Where lines go; stdout when unset. */
  destination?: DestinationStream;
}

/**
 * Defence in depth: the server never puts these in a line, but a field that slips in under one of these names is
 * censored rather than written.
 */
const REDACTED = [
  "authorization",
  "cookie",
  "password",
  "token",
  "accessToken",
  "refreshToken",
  "secret",
  "key",
  "*.authorization",
  "*.cookie",
  "*.password",
  "*.accessToken",
  "*.refreshToken",
  "headers.authorization",
  "headers.cookie",
];

/**
 * The one logger of the process: JSON lines with an ISO `time`, a `level` label and `msg`. Created once at
 * start-up and handed down; nothing logs through a global.
 */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const destination = options.destination ?? (options.pretty ? await prettyStream() : pino.destination({ dest: 1, sync: false }));
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED, censor: "[redacted]" },
      ...(options.fields ? { mixin: options.fields } : {}),
    },
    destination,
  );
}

/** pino-pretty is loaded only when asked for: production never pays for it. */
async function prettyStream(): Promise<DestinationStream> {
  const { default: pretty } = await import("pino-pretty");
  return pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
}

/** A logger that writes nothing (tests, tools that embed the server). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
