import { signedInClient, UsageError } from "../context.js";
import { pageFooter, print, table } from "../output.js";
import type { Command } from "./command.js";

export const projectsList: Command = {
  usage: "projects list [--page N]",
  summary: "List your projects",
  options: { page: { type: "string" } },
  run: async (ctx, { values }) => {
    const { client } = await signedInClient(ctx);
    const page = await client.projects.list.query({ page: values.page ? Number(values.page) : 1 });
    print(ctx.out, page, () => `${table(page.items, ["id", "name", "description"])}\n${pageFooter(page, "project")}`);
  },
};

export const projectsCreate: Command = {
  usage: "projects create NAME [--description D]",
  summary: "Create a project",
  options: { description: { type: "string" } },
  run: async (ctx, { values, positionals }) => {
    const name = positionals.join(" ");
    if (!name) throw new UsageError("NAME is required");
    const { client } = await signedInClient(ctx);
    const description = values.description as string | undefined;
    const project = await client.projects.create.mutate({ name, ...(description === undefined ? {} : { description }) });
    print(ctx.out, project, () => `Created project ${project.name} (${project.id})`);
  },
};
