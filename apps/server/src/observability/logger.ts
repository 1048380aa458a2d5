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
 * The one logger of the process: JSON lines with an ISO `time`, a `level` label and `msg`. Created once at
 * start-up and handed down; nothing logs through a global. No redaction pass (it costs ~3-10 µs a line): every
 * line is built from chosen fields, never from headers, bodies or query strings (test/access-log.test.ts).
 */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  // Synchronous writes to stdout (pino's default): cheaper per line than its buffered mode here, and nothing is lost
  // when the process exits.
  const destination = options.destination ?? (options.pretty ? await prettyStream() : pino.destination(1));
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
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
