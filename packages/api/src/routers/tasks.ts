import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  IfMatchHeader,
  MyTaskListInput,
  Task,
  TaskCreateInput,
  TaskIdInput,
  TaskListInput,
  TaskPage,
  TaskReplaceInput,
  TaskUpdateInput,
} from "../schemas/tasks.js";
import { listMyTasks, listProjectTasks } from "../services/task-list.js";
import { createTask, deleteTask, getTask, writeTask } from "../services/tasks.js";
import { scopedProcedure } from "../trpc.js";

const tags = ["tasks"];
const read = scopedProcedure("tasks:read");
const write = scopedProcedure("tasks:write");
/** A task's ETag is its version (`W/"3"`), the token `If-Match` and `expectedVersion` take. */
const versionTag = (task: unknown) => String((task as Task).version);

export const tasksRouter = {
  create: write
    .meta({
      openapi: { method: "POST", path: "/projects/{projectId}/tasks", tags, summary: "Create a task (any member)", errorResponses: [400, 401, 403, 404, 415, 429] },
      successStatus: 201,
      idempotent: true,
    })
    .input(TaskCreateInput)
    .output(Task)
    .mutation(({ ctx, input }) => createTask(ctx, ctx.identity, input)),

  list: read
    .meta({
      openapi: { method: "GET", path: "/projects/{projectId}/tasks", tags, summary: "Filter, sort and page a project's tasks", errorResponses: [400, 401, 403, 404, 429] },
    })
    .input(TaskListInput)
    .output(TaskPage)
    .query(({ ctx, input }) => listProjectTasks(ctx, ctx.identity, input)),

  listMine: read
    .meta({
      openapi: { method: "GET", path: "/tasks", tags, summary: "Tasks assigned to you (or a user) across your projects", errorResponses: [400, 401, 403, 429] },
    })
    .input(MyTaskListInput)
    .output(TaskPage)
    .query(({ ctx, input }) => listMyTasks(ctx, ctx.identity, input)),

  get: read
    .meta({ openapi: { method: "GET", path: "/tasks/{id}", tags, summary: "Get a task", errorResponses: [400, 401, 403, 404, 429] }, etag: versionTag })
    .input(TaskIdInput)
    .output(Task)
    .query(({ ctx, input }) => getTask(ctx, ctx.identity, input.id)),

  replace: write
    .meta({
      openapi: {
        method: "PUT",
        path: "/tasks/{id}",
        tags,
        summary: "Replace every writable field of a task",
        requestHeaders: IfMatchHeader,
        errorResponses: [400, 401, 403, 404, 409, 415, 429],
      },
      etag: versionTag,
    })
    .input(TaskReplaceInput)
    .output(Task)
    .mutation(({ ctx, input }) => writeTask(ctx, ctx.identity, input, "task.replace")),

  update: write
    .meta({
      openapi: {
        method: "PATCH",
        path: "/tasks/{id}",
        tags,
        summary: "Change some fields of a task",
        requestHeaders: IfMatchHeader,
        errorResponses: [400, 401, 403, 404, 409, 415, 429],
      },
      etag: versionTag,
    })
    .input(TaskUpdateInput)
    .output(Task)
    .mutation(({ ctx, input }) => writeTask(ctx, ctx.identity, input, "task.update")),

  delete: write
    .meta({
      openapi: {
        method: "DELETE",
        path: "/tasks/{id}",
        tags,
        summary: "Delete a task (its creator, project owners and admins)",
        errorResponses: [400, 401, 403, 404, 429],
      },
      successStatus: 204,
    })
    .input(TaskIdInput)
    .output(z.void())
    .mutation(({ ctx, input }) => deleteTask(ctx, ctx.identity, input.id)),
} satisfies TRPCRouterRecord;
