import postgres from "postgres";

/** The channel Cadence announces committed project events on (`<projectId>:<eventId>`), see packages/api/src/events/publish.ts. */
const CHANNEL = "cadence_project_events";

/**
 * When each event committed, as seen by a LISTEN of the bench's own: PostgreSQL delivers a NOTIFY on commit, so
 * its arrival here is the commit time (plus one local delivery), on the same clock as the subscribers' receipts.
 */
export interface CommitClock {
  /** performance.now() at which the event's notification arrived, or undefined when it has not (yet). */
  committedAt(eventId: string): number | undefined;
  /** Project of each event committed since the last reset (every instance's, each once). */
  committed: Map<string, string>;
  /** Forgets the events committed so far (after a warm-up). */
  reset(): void;
  close(): Promise<void>;
}

export async function openCommitClock(databaseUrl: string): Promise<CommitClock> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const times = new Map<string, number>();
  const committed = new Map<string, string>();
  const { unlisten } = await sql.listen(CHANNEL, (payload) => {
    const now = performance.now();
    const [projectId = "", eventId = ""] = payload.split(":");
    times.set(eventId, now);
    committed.set(eventId, projectId);
  });
  return {
    committedAt: (eventId) => times.get(eventId),
    committed,
    reset: () => committed.clear(),
    close: async () => {
      await unlisten();
      await sql.end({ timeout: 1 });
    },
  };
}
