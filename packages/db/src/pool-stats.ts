/** A snapshot of the database pool, for the server's metrics. */
export interface PoolStats {
  /** Connections the pool may hold (postgres.js `max`; 1 for PGlite, which runs one query at a time). */
  size: number;
  /** Connections serving a query or holding a transaction. */
  busy: number;
  /** Queries and transactions waiting for a connection. */
  waiting: number;
  /** Queries the driver rejected (database errors, lost connections, timeouts) since the pool opened. */
  queryErrors: number;
}

/**
 * Counts what neither driver exposes: postgres.js and PGlite publish no pool state, so the driver wrappers count
 * the operations they hand over (a query outside a transaction, or a whole transaction, each holds a connection
 * while in flight) and the queries that fail. In flight beyond the pool size is waiting.
 */
export class PoolCounter {
  private inFlight = 0;
  private errors = 0;

  constructor(private readonly size: number) {}

  started(): void {
    this.inFlight++;
  }

  settled(): void {
    this.inFlight--;
  }

  failed(): void {
    this.errors++;
  }

  /** Counts `work` in flight until it settles; its rejection is a query error when `isQueryError` says so. */
  track<T>(work: Promise<T>, isQueryError: (error: unknown) => boolean): Promise<T> {
    this.started();
    return work.then(
      (value) => {
        this.settled();
        return value;
      },
      (error: unknown) => {
        this.settled();
        if (isQueryError(error)) this.failed();
        throw error;
      },
    );
  }

  stats(): PoolStats {
    return {
      size: this.size,
      busy: Math.min(this.inFlight, this.size),
      waiting: Math.max(this.inFlight - this.size, 0),
      queryErrors: this.errors,
    };
  }
}
