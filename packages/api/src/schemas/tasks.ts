import { z } from "zod";
import { Id, IsoDate, PageInput, Timestamp, pageOf } from "./common.js";

export const TaskStatus = z.enum(["pending", "in_progress", "completed"]).meta({ id: "TaskStatus" });
export const TaskPriority = z.enum(["low", "medium", "high"]).meta({ id: "TaskPriority" });

const Title = z.string().trim().min(1).max(150);
const Description = z.string().max(5000).nullable();
const DueDate = IsoDate.nullable().describe("YYYY-MM-DD");
const Tag = z.string().trim().min(1).max(30).toLowerCase();
/** Up to 10 tags, trimmed, lowercased and de-duplicated. */
const Tags = z
  .array(Tag)
  .transform((tags) => [...new Set(tags)])
  .pipe(z.array(z.string()).max(10, "at most 10 distinct tags"));
const ExpectedVersion = z.number().int().min(1).optional().describe("Write only if the task is still at this version (also: If-Match)");

export const Task = z
  .object({
    id: Id,
    projectId: Id,
    title: z.string(),
    description: z.string().nullable(),
    status: TaskStatus,
    priority: TaskPriority,
    dueDate: z.string().nullable(),
    assigneeId: Id.nullable(),
    tags: z.array(z.string()),
    createdBy: Id,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: z.number().int(),
  })
  .meta({ id: "Task" });
export type Task = z.infer<typeof Task>;

export const TaskPage = pageOf(Task, "TaskPage");

export const TaskCreateInput = z.strictObject({
  projectId: Id,
  title: Title,
  description: Description.optional(),
  status: TaskStatus.default("pending"),
  priority: TaskPriority.default("medium"),
  dueDate: DueDate.optional(),
  assigneeId: Id.nullable().optional(),
  tags: Tags.default([]),
});

/** PUT: every writable field is required. */
export const TaskReplaceInput = z.strictObject({
  id: Id,
  title: Title,
  description: Description,
  status: TaskStatus,
  priority: TaskPriority,
  dueDate: DueDate,
  assigneeId: Id.nullable(),
  tags: Tags,
  expectedVersion: ExpectedVersion,
});

/** PATCH: any non-empty subset of the writable fields. */
export const TaskUpdateInput = z
  .strictObject({
    id: Id,
    title: Title.optional(),
    description: Description.optional(),
    status: TaskStatus.optional(),
    priority: TaskPriority.optional(),
    dueDate: DueDate.optional(),
    assigneeId: Id.nullable().optional(),
    tags: Tags.optional(),
    expectedVersion: ExpectedVersion,
  })
  .refine(
    (input) => Object.entries(input).some(([key, value]) => key !== "id" && key !== "expectedVersion" && value !== undefined),
    "Send at least one field to change",
  );

export const TaskIdInput = z.strictObject({ id: Id });

export const TASK_SORTS = ["createdAt", "updatedAt", "dueDate", "priority", "title"] as const;

const filters = {
  status: TaskStatus.optional(),
  priority: TaskPriority.optional(),
  tag: z.string().trim().min(1).max(30).toLowerCase().optional(),
  q: z.string().trim().min(1).max(200).optional().describe("Case-insensitive match on title or description"),
  dueBefore: IsoDate.optional().describe("Due strictly before this date"),
  dueAfter: IsoDate.optional().describe("Due strictly after this date"),
  sort: z.enum(TASK_SORTS).default("createdAt"),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...PageInput,
};

export const TaskListInput = z.strictObject({
  projectId: Id,
  assigneeId: Id.optional(),
  ...filters,
});
export type TaskListInput = z.infer<typeof TaskListInput>;

export const MyTaskListInput = z.strictObject({
  assigneeId: z.union([z.literal("me"), Id]).default("me").describe('"me" or a user id'),
  ...filters,
});
export type MyTaskListInput = z.infer<typeof MyTaskListInput>;
