import type { RouterInputs } from "@cadence/client";
import { signedInClient, UsageError } from "../context.js";
import { keyValues, pageFooter, print, table } from "../output.js";
import type { Command } from "./command.js";

type Status = RouterInputs["tasks"]["list"]["status"];
type Sort = RouterInputs["tasks"]["list"]["sort"];
type Priority = RouterInputs["tasks"]["create"]["priority"];

const TASK_COLUMNS = ["id", "title", "status", "priority", "dueDate", "assigneeId", "tags"];

function one(positionals: string[], what: string): string {
  const [value] = positionals;
  if (!value || positionals.length > 1) throw new UsageError(`exactly one ${what} is required`);
  return value;
}

export const tasksList: Command = {
  usage: "tasks list --project ID [--status S] [--assignee me|ID] [--q TEXT] [--sort F] [--page N]",
  summary: "List a project's tasks",
  options: {
    project: { type: "string" },
    status: { type: "string" },
    assignee: { type: "string" },
    q: { type: "string" },
    sort: { type: "string" },
    page: { type: "string" },
  },
  run: async (ctx, { values }) => {
    const projectId = values.project as string | undefined;
    if (!projectId) throw new UsageError("--project is required");
    const { client } = await signedInClient(ctx);
    // "me" is resolved by the server: the signed-in user.
    const assigneeId = values.assignee as string | undefined;
    const page = await client.tasks.list.query({
      projectId,
      ...(values.status ? { status: values.status as Status } : {}),
      ...(assigneeId ? { assigneeId } : {}),
      ...(values.q ? { q: values.q as string } : {}),
      ...(values.sort ? { sort: values.sort as Sort } : {}),
      ...(values.page ? { page: Number(values.page) } : {}),
    });
    print(ctx.out, page, () => `${table(page.items, TASK_COLUMNS)}\n${pageFooter(page, "task")}`);
  },
};

export const tasksAdd: Command = {
  usage: "tasks add --project ID TITLE [--due DATE] [--priority P] [--tag T]...",
  summary: "Create a task",
  options: { project: { type: "string" }, due: { type: "string" }, priority: { type: "string" }, tag: { type: "string", multiple: true } },
  run: async (ctx, { values, positionals }) => {
    const projectId = values.project as string | undefined;
    const title = positionals.join(" ");
    if (!projectId) throw new UsageError("--project is required");
    if (!title) throw new UsageError("TITLE is required");
    const { client } = await signedInClient(ctx);
    const task = await client.tasks.create.mutate({
      projectId,
      title,
      ...(values.due ? { dueDate: values.due as string } : {}),
      ...(values.priority ? { priority: values.priority as Priority } : {}),
      ...(values.tag ? { tags: values.tag as string[] } : {}),
    });
    print(ctx.out, task, () => `Created task ${task.title} (${task.id})`);
  },
};

export const tasksShow: Command = {
  usage: "tasks show ID",
  summary: "Show one task",
  options: {},
  run: async (ctx, { positionals }) => {
    const { client } = await signedInClient(ctx);
    const task = await client.tasks.get.query({ id: one(positionals, "task ID") });
    print(ctx.out, task, () => keyValues(task, ["id", "title", "description", "status", "priority", "dueDate", "assigneeId", "tags", "projectId", "createdBy", "createdAt", "updatedAt", "version"]));
  },
};

export const tasksDone: Command = {
  usage: "tasks done ID",
  summary: "Mark a task completed",
  options: {},
  run: async (ctx, { positionals }) => {
    const { client } = await signedInClient(ctx);
    const task = await client.tasks.update.mutate({ id: one(positionals, "task ID"), status: "completed" });
    print(ctx.out, task, () => `Completed ${task.title}`);
  },
};

export const tasksAssign: Command = {
  usage: "tasks assign ID USER_ID|me",
  summary: "Assign a task to a project member",
  options: {},
  run: async (ctx, { positionals }) => {
    const [id, who] = positionals;
    if (!id || !who || positionals.length !== 2) throw new UsageError("ID and USER_ID (or me) are required");
    const { client } = await signedInClient(ctx);
    const assigneeId = who === "me" ? (await client.users.me.query()).id : who;
    const task = await client.tasks.update.mutate({ id, assigneeId });
    print(ctx.out, task, () => `Assigned ${task.title} to ${who}`);
  },
};

export const tasksRm: Command = {
  usage: "tasks rm ID",
  summary: "Delete a task",
  options: {},
  run: async (ctx, { positionals }) => {
    const id = one(positionals, "task ID");
    const { client } = await signedInClient(ctx);
    await client.tasks.delete.mutate({ id });
    print(ctx.out, { deleted: id }, () => `Deleted task ${id}`);
  },
};
