import { and, count, eq, gt, inArray, or, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { jobs, projectMembers } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import { iso, isoOrNull } from "../schemas/common.js";
import type { Job, JobKind, JobResult } from "../schemas/jobs.js";
import { projectAccess } from "./access.js";
import { importRows } from "./task-import.js";

/**
 * Jobs one user may start in a minute, counting also any older one still queued or running; more answers 429 with
 * Retry-After. Bounds the work (and the stored rows and files) one account can pile onto the queue.
 */
export const MAX_JOBS_PER_USER_PER_MINUTE = 10;

export const jobColumns = {
  id: jobs.id,
  kind: jobs.kind,
  projectId: jobs.projectId,
  requestedBy: jobs.requestedBy,
  status: jobs.status,
  progress: jobs.progress,
  error: jobs.error,
  hasResult: jobs.resultType,
  createdAt: jobs.createdAt,
  startedAt: jobs.startedAt,
  finishedAt: jobs.finishedAt,
};
type JobRow = { [K in keyof typeof jobColumns]: K extends "hasResult" ? string | null : (typeof jobs.$inferSelect)[Exclude<K, "hasResult">] };

export const jobUrl = (id: string) => `/api/v1/jobs/${id}`;

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    createdAt: iso(row.createdAt),
    startedAt: isoOrNull(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.hasResult === null ? {} : { resultUrl: `${jobUrl(row.id)}/result` }),
  };
}

const jobNotFound = () => new TRPCError({ code: "NOT_FOUND", message: "Job not found" });

/**
 * Queues a job for a project the caller can see: its row first (so a worker always finds it), then the queue's
 * entry; if the queue refuses, the row goes again and the caller gets the error.
 */
export async function createJob(ctx: Context, identity: Identity, kind: JobKind, projectId: string, params: Record<string, unknown>): Promise<Job> {
  await projectAccess(ctx.db, identity, projectId);
  const [recent] = await ctx.db
    .select({ n: count() })
    .from(jobs)
    .where(and(eq(jobs.requestedBy, identity.userId), or(inArray(jobs.status, ["queued", "running"]), gt(jobs.createdAt, sql`now() - interval '1 minute'`))));
  if ((recent?.n ?? 0) >= MAX_JOBS_PER_USER_PER_MINUTE) {
    ctx.setHeader("retry-after", "60");
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `At most ${MAX_JOBS_PER_USER_PER_MINUTE} jobs a minute per user (counting any still queued or running); retry later` });
  }
  const [row] = await ctx.db
    .insert(jobs)
    .values({ kind, projectId, requestedBy: identity.userId, actorKind: identity.kind, requestId: ctx.requestId, params })
    .returning(jobColumns);
  if (!row) throw new Error("job insert returned nothing");
  try {
    await ctx.jobs.enqueue(kind, row.id);
  } catch (error) {
    await ctx.db.delete(jobs).where(eq(jobs.id, row.id));
    throw error;
  }
  return toJob(row);
}

/** The requester, the project's owners and admins see a job; anyone else gets 404, as for a missing one. */
async function assertMaySee(ctx: Context, identity: Identity, job: { projectId: string; requestedBy: string } | undefined): Promise<void> {
  if (!job) throw jobNotFound();
  if (job.requestedBy === identity.userId || identity.role === "admin") return;
  const [membership] = await ctx.db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, job.projectId), eq(projectMembers.userId, identity.userId)));
  if (membership?.role !== "owner") throw jobNotFound();
}

export async function getJob(ctx: Context, identity: Identity, jobId: string): Promise<Job> {
  const [row] = await ctx.db.select(jobColumns).from(jobs).where(eq(jobs.id, jobId));
  await assertMaySee(ctx, identity, row);
  return toJob(row as JobRow);
}

export async function getJobResult(ctx: Context, identity: Identity, jobId: string): Promise<JobResult> {
  const [row] = await ctx.db
    .select({ projectId: jobs.projectId, requestedBy: jobs.requestedBy, status: jobs.status, content: jobs.result, contentType: jobs.resultType, filename: jobs.resultName })
    .from(jobs)
    .where(eq(jobs.id, jobId));
  await assertMaySee(ctx, identity, row);
  const { status, content, contentType, filename } = row as NonNullable<typeof row>;
  if (content === null || contentType === null || filename === null) {
    throw new TRPCError({ code: "NOT_FOUND", message: `The job has no result yet (it is ${status})` });
  }
  return { filename, contentType, content };
}

export function startExport(ctx: Context, identity: Identity, input: { projectId: string; format: "json" | "csv" }): Promise<Job> {
  return createJob(ctx, identity, "project.export", input.projectId, { format: input.format });
}

/** Parses and bounds the rows now (400, nothing queued); the job checks each row against task creation's rules. */
export function startImport(ctx: Context, identity: Identity, input: { projectId: string; tasks?: Record<string, unknown>[] | undefined; csv?: string | undefined }): Promise<Job> {
  return createJob(ctx, identity, "task.import", input.projectId, { rows: importRows(input) });
}
