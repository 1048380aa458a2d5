import { readFile, writeFile } from "node:fs/promises";
import type { CadenceClient } from "@cadence/client";
import { signedInClient, UsageError, type CliContext } from "../context.js";
import { print } from "../output.js";
import { progressReporter } from "../progress.js";
import type { Command } from "./command.js";

const POLL_EVERY_MS = 250;

type Job = Awaited<ReturnType<CadenceClient["jobs"]["get"]["query"]>>;

/** Polls the job until it finishes, drawing its progress on stderr. */
async function follow(ctx: CliContext, client: CadenceClient, job: Job, label: string): Promise<Job> {
  const reporter = progressReporter(ctx.stderr, label);
  let current = job;
  try {
    for (;;) {
      reporter.update(current);
      if (current.status === "succeeded" || current.status === "failed") return current;
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
      current = await client.jobs.get.query({ jobId: job.id });
    }
  } finally {
    reporter.done();
  }
}

export const projectsExport: Command = {
  usage: "projects export ID --out FILE [--format json|csv]",
  summary: "Export a project to FILE (JSON: project, members, tasks, audit trail; CSV: its tasks)",
  options: { format: { type: "string" }, out: { type: "string" } },
  run: async (ctx, { values, positionals }) => {
    const [projectId, extra] = positionals;
    if (!projectId || extra !== undefined) throw new UsageError("exactly one project ID is required");
    const format = (values.format as string | undefined) ?? "json";
    if (format !== "json" && format !== "csv") throw new UsageError("--format must be json or csv");
    const out = values.out as string | undefined;
    if (!out) throw new UsageError("--out FILE is required");
    const { client } = await signedInClient(ctx);
    const job = await follow(ctx, client, await client.projects.export.mutate({ projectId, format }), "export");
    if (job.status === "failed") throw new Error(`export failed: ${job.error ?? "unknown error"}`);
    const file = await client.jobs.result.query({ jobId: job.id });
    await writeFile(out, file.content);
    print(ctx.out, job, () => `Exported project ${projectId} to ${out}`);
  },
};

interface ImportReport {
  created: number;
  errors: { row: number; issues: { path: string; message: string }[] }[];
}

export const tasksImport: Command = {
  usage: "tasks import --project ID FILE",
  summary: "Import tasks from a CSV file (or a JSON array, FILE ending in .json), all or nothing",
  options: { project: { type: "string" } },
  run: async (ctx, { values, positionals }) => {
    const projectId = values.project as string | undefined;
    const [path, extra] = positionals;
    if (!projectId) throw new UsageError("--project is required");
    if (!path || extra !== undefined) throw new UsageError("exactly one FILE is required");
    const text = await readFile(path, "utf8");
    let rows: Record<string, unknown>[] | undefined;
    if (path.endsWith(".json")) {
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) throw new UsageError(`${path} must hold a JSON array of tasks`);
      rows = parsed as Record<string, unknown>[];
    }
    const { client } = await signedInClient(ctx);
    const queued = await client.projects.import.mutate(rows ? { projectId, tasks: rows } : { projectId, csv: text });
    const job = await follow(ctx, client, queued, "import");
    const report = job.resultUrl ? (JSON.parse((await client.jobs.result.query({ jobId: job.id })).content) as ImportReport) : undefined;
    if (job.status === "failed") {
      const lines = (report?.errors ?? []).flatMap((error) => error.issues.map((issue) => `  row ${error.row}: ${issue.path || "(row)"}: ${issue.message}`));
      throw new Error([`import failed: ${job.error ?? "unknown error"}`, ...lines].join("\n"));
    }
    print(ctx.out, report, () => `Imported ${report?.created ?? 0} tasks into project ${projectId}`);
  },
};
