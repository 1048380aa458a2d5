import type { TRPCRouterRecord } from "@trpc/server";
import { Job, JobIdInput, JobResult } from "../schemas/jobs.js";
import { getJob, getJobResult } from "../services/jobs.js";
import { scopedProcedure } from "../trpc.js";

const tags = ["jobs"];
const read = scopedProcedure("projects:read");

export const jobsRouter = {
  get: read
    .meta({
      openapi: { method: "GET", path: "/jobs/{jobId}", tags, summary: "A background job's status and progress (its requester, project owners, admins)", errorResponses: [400, 401, 403, 404, 429] },
    })
    .input(JobIdInput)
    .output(Job)
    .query(({ ctx, input }) => getJob(ctx, ctx.identity, input.jobId)),

  result: read
    .meta({
      openapi: {
        method: "GET",
        path: "/jobs/{jobId}/result",
        tags,
        summary: "A finished job's file: the export (JSON or CSV) or the import's report (404 until there is one)",
        errorResponses: [400, 401, 403, 404, 429],
      },
      fileResponse: { mediaTypes: ["application/json", "text/csv"] },
    })
    .input(JobIdInput)
    .output(JobResult)
    .query(({ ctx, input }) => getJobResult(ctx, ctx.identity, input.jobId)),
} satisfies TRPCRouterRecord;
