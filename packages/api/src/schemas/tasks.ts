import { z } from "zod";
import { Id, IsoDate, PageInput, Timestamp, atLeastOneOf, pageOf } from "./common.js";
import { text, trimmedText } from "./text.js";

export const TaskStatus = z.enum(["pending", "in_progress", "completed"]).meta({ id: "TaskStatus" });
export const TaskPriority = z.enum(["low", "medium", "high"]).meta({ id: "TaskPriority" });

const Title = trimmedText({ max: 150 });
const Description = text({ max: 5000, description: "Stored exactly as sent (not trimmed)" }).nullable();
const DueDate = IsoDate.nullable().describe("YYYY-MM-DD");
const Tag = trimmedText({ max: 30, lowercase: true });
/** Up to 10 tags as sent (the document's maxItems), each trimmed and lowercased, then de-duplicated. */
const Tags = z
  .array(Tag)
  .max(10, "at most 10 tags")
  .transform((tags) => [...new Set(tags)]);
/** An If-Match header carrying a task version: `3`, `"3"` or `W/"3"`. */
export const IF_MATCH = /^\s*(?:W\/)?(?:"(\d+)"|(\d+))\s*$/;
export const IfMatchHeader = z.object({
  "if-match": z
    .string()
    .regex(IF_MATCH, "If-Match must carry a task version, e.g. If-Match: 3")
    .optional()
    .describe('The version the write expects: 3, "3" or W/"3" (an empty or other value is 400)'),
});
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

/** PATCH: any non-empty subset of the writable fields (`expectedVersion` alone changes nothing). */
export const TaskUpdateInput = atLeastOneOf(
  {
    id: Id,
    title: Title.optional(),
    description: Description.optional(),
    status: TaskStatus.optional(),
    priority: TaskPriority.optional(),
    dueDate: DueDate.optional(),
    assigneeId: Id.nullable().optional(),
    tags: Tags.optional(),
    expectedVersion: ExpectedVersion,
  },
  ["title", "description", "status", "priority", "dueDate", "assigneeId", "tags"],
  "Send at least one field to change",
);

export const TaskIdInput = z.strictObject({ id: Id });

export const TASK_SORTS = ["createdAt", "updatedAt", "dueDate", "priority", "title"] as const;

const filters = {
  status: TaskStatus.optional(),
  priority: TaskPriority.optional(),
  tag: trimmedText({ max: 30, lowercase: true, description: "Tasks carrying this tag" }).optional(),
  q: trimmedText({ max: 200, description: "Case-insensitive match on title or description" }).optional(),
  dueBefore: IsoDate.optional().describe("Due strictly before this date"),
  dueAfter: IsoDate.optional().describe("Due strictly after this date"),
  sort: z.enum(TASK_SORTS).default("createdAt"),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...PageInput,
};

/** "me" is the caller: the signed-in user, or an API key's owner. */
const AssigneeFilter = z.union([z.literal("me"), Id]).describe('"me" (the caller; for an API key, its owner) or a user id');

export const TaskListInput = z.strictObject({
  projectId: Id,
  assigneeId: AssigneeFilter.optional(),
  ...filters,
});
export type TaskListInput = z.infer<typeof TaskListInput>;

export const MyTaskListInput = z.strictObject({
  assigneeId: AssigneeFilter.default("me"),
  ...filters,
});
export type MyTaskListInput = z.infer<typeof MyTaskListInput>;
