import { createLogger, type Logger } from "../../src/observability/logger.js";

export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines: Record<string, unknown>[];
}

/** A real server logger (same format, redaction and levels) whose lines land in memory instead of stdout. */
export async function captureLog(level: "debug" | "info" = "debug"): Promise<CapturedLog> {
  const lines: Record<string, unknown>[] = [];
  const logger = await createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}
