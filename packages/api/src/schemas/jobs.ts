import { z } from "zod";
import { Id, Timestamp } from "./common.js";
import { TaskCreateInput } from "./tasks.js";

export const JOB_KINDS = ["project.export", "task.import"] as const;
export const JobKind = z.enum(JOB_KINDS).meta({ id: "JobKind" });
export type JobKind = z.infer<typeof JobKind>;
export const JobStatus = z.enum(["queued", "running", "succeeded", "failed"]).meta({ id: "JobStatus" });

export const Job = z
  .object({
    id: Id,
    kind: JobKind,
    status: JobStatus,
    progress: z.number().int().min(0).max(100),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    error: z.string().optional().describe("Why the job failed"),
    resultUrl: z.string().optional().describe("Where to GET the result file, once there is one (an import that failed validation has its report)"),
  })
  .meta({ id: "Job" });
export type Job = z.infer<typeof Job>;

export const JobIdInput = z.strictObject({ jobId: Id });

export const ExportFormat = z.enum(["json", "csv"]).meta({ id: "ExportFormat" });
export type ExportFormat = z.infer<typeof ExportFormat>;

export const ProjectExportInput = z.strictObject({
  projectId: Id,
  format: ExportFormat.default("json").describe("json: project, members, tasks and audit trail; csv: the tasks"),
});

/** The most rows one import takes; more is refused with 400 before anything is queued. */
export const MAX_IMPORT_ROWS = 10_000;

/** One imported task: exactly the rules of task creation, the project coming from the path. */
export const TaskImportRow = TaskCreateInput.omit({ projectId: true });
export type TaskImportRow = z.infer<typeof TaskImportRow>;

/**
 * An import's rows, as JSON (`tasks`, over REST the JSON array body) or as CSV text (`csv`, over REST a
 * `text/csv` body). Rows are checked one by one when the job runs, so the report can name every bad row.
 */
export const ProjectImportInput = z
  .strictObject({
    projectId: Id,
    tasks: z
      .array(z.record(z.string(), z.unknown()))
      .max(MAX_IMPORT_ROWS, `at most ${MAX_IMPORT_ROWS} rows`)
      .optional()
      .describe("Task objects with the fields of task creation"),
    csv: z.string().optional().describe("CSV with a header row: title, description, status, priority, dueDate, assigneeId, tags (;-separated)"),
  })
  .refine((input) => (input.tasks === undefined) !== (input.csv === undefined), "Send either tasks or csv");

/** A result file; REST answers it as the file itself (Content-Type, Content-Disposition), tRPC as this object. */
export const JobResult = z
  .object({
    filename: z.string(),
    contentType: z.string(),
    content: z.string(),
  })
  .meta({ id: "JobResult" });
export type JobResult = z.infer<typeof JobResult>;
