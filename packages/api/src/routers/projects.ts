import { tracked, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { Project, ProjectCreateInput, ProjectIdInput, ProjectListInput, ProjectPage, ProjectUpdateInput } from "../schemas/projects.js";
import { ProjectEventsInput } from "../schemas/project-events.js";
import { createProject, deleteProject, getProject, listProjects, updateProject } from "../services/projects.js";
import { openProjectEventStream, type ProjectEventStream } from "../services/project-events.js";
import { registerPush } from "../events/event-push.js";
import { Job, MAX_IMPORT_ROWS, ProjectExportInput, ProjectImportInput, TaskImportRow } from "../schemas/jobs.js";
import { jobUrl, startExport, startImport } from "../services/jobs.js";
import { scopedProcedure } from "../trpc.js";
import { membersRouter } from "./members.js";

const tags = ["projects"];

async function* trackedEvents(stream: ProjectEventStream) {
  try {
    for await (const event of stream) yield tracked(event.id, event);
  } finally {
    stream.close();
  }
}

/** tRPC iterates the tracked events; the REST event stream takes the push path of the same stream instead. */
function eventFeed(stream: ProjectEventStream) {
  const iterable = trackedEvents(stream);
  registerPush(iterable, stream.push);
  return iterable;
}
const read = scopedProcedure("projects:read");
const write = scopedProcedure("projects:write");

export const projectsRouter = {
  create: write
    .meta({
      openapi: { method: "POST", path: "/projects", tags, summary: "Create a project; you become its owner", errorResponses: [400, 401, 403, 415, 429] },
      successStatus: 201,
      idempotent: true,
    })
    .input(ProjectCreateInput)
    .output(Project)
    .mutation(({ ctx, input }) => createProject(ctx, ctx.identity, input)),

  list: read
    .meta({ openapi: { method: "GET", path: "/projects", tags, summary: "Projects you belong to (admins: all)", errorResponses: [400, 401, 403, 429] } })
    .input(ProjectListInput)
    .output(ProjectPage)
    .query(({ ctx, input }) => listProjects(ctx, ctx.identity, input)),

  get: read
    .meta({ openapi: { method: "GET", path: "/projects/{id}", tags, summary: "Get a project", errorResponses: [400, 401, 403, 404, 429] } })
    .input(ProjectIdInput)
    .output(Project)
    .query(({ ctx, input }) => getProject(ctx, ctx.identity, input.id)),

  update: write
    .meta({
      openapi: { method: "PATCH", path: "/projects/{id}", tags, summary: "Rename or describe a project (owners and admins)", errorResponses: [400, 401, 403, 404, 415, 429] },
    })
    .input(ProjectUpdateInput)
    .output(Project)
    .mutation(({ ctx, input }) => updateProject(ctx, ctx.identity, input)),

  delete: write
    .meta({
      openapi: {
        method: "DELETE",
        path: "/projects/{id}",
        tags,
        summary: "Delete a project with its tasks and memberships (owners and admins)",
        errorResponses: [400, 401, 403, 404, 429],
      },
      successStatus: 204,
    })
    .input(ProjectIdInput)
    .output(z.void())
    .mutation(({ ctx, input }) => deleteProject(ctx, ctx.identity, input.id)),

  events: read
    .meta({
      eventStream: {
        path: "/projects/{projectId}/events",
        operationId: "projects-events",
        tags,
        summary: "Live project activity as server-sent events: each change's audit event; Last-Event-ID resumes",
        errorResponses: [400, 401, 403, 404, 429],
      },
    })
    .input(ProjectEventsInput)
    // Opened before the first event, so refusals (404, 429) answer before any stream starts, on both surfaces.
    .subscription(async ({ ctx, input, signal }) => eventFeed(await openProjectEventStream(ctx, ctx.identity, input, signal))),

  export: read
    .meta({
      openapi: {
        method: "POST",
        path: "/projects/{projectId}/exports",
        tags,
        summary: "Export a project in the background (JSON: project, members, tasks, audit trail; CSV: tasks); poll the job",
        errorResponses: [400, 401, 403, 404, 415, 429],
      },
      successStatus: 202,
      idempotent: true,
      location: (job) => jobUrl((job as Job).id),
    })
    .input(ProjectExportInput)
    .output(Job)
    .mutation(({ ctx, input }) => startExport(ctx, ctx.identity, input)),

  import: scopedProcedure("tasks:write")
    .meta({
      openapi: {
        method: "POST",
        path: "/projects/{projectId}/imports",
        tags,
        summary: "Import up to 10,000 tasks (JSON array or text/csv) in the background, all or nothing; poll the job",
        errorResponses: [400, 401, 403, 404, 413, 415, 429],
      },
      successStatus: 202,
      idempotent: true,
      location: (job) => jobUrl((job as Job).id),
      rawBody: { json: "tasks", csv: "csv", jsonItems: TaskImportRow, maxItems: MAX_IMPORT_ROWS },
    })
    .input(ProjectImportInput)
    .output(Job)
    .mutation(({ ctx, input }) => startImport(ctx, ctx.identity, input)),

  members: membersRouter,
} satisfies TRPCRouterRecord;
