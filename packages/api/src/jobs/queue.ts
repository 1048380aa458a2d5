import type { JobKind } from "../schemas/jobs.js";

/**
 * The background queue as procedures see it: the server wires it (pg-boss on the same database) and runs the
 * workers. Enqueueing a job id makes some instance call `runJob` for it, retried with backoff if it fails.
 */
export interface JobQueue {
  enqueue(kind: JobKind, jobId: string): Promise<void>;
}
