import type { RouterInputs } from "@cadence/client";
import type { Task, TaskPatch, TaskPriority, TaskStatus } from "./task-types.js";

/** The editor's form state: every field as the inputs hold it. */
export interface TaskDraft {
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  dueDate: string;
  assigneeId: string;
  tags: string;
}

export const FIELD_LABELS: Record<keyof TaskDraft, string> = {
  title: "Title",
  description: "Description",
  status: "Status",
  priority: "Priority",
  dueDate: "Due date",
  assigneeId: "Assignee",
  tags: "Tags",
};

export function emptyDraft(status: TaskStatus = "pending"): TaskDraft {
  return { title: "", description: "", status, priority: "medium", dueDate: "", assigneeId: "", tags: "" };
}

export function draftOf(task: Task): TaskDraft {
  return {
    title: task.title,
    description: task.description ?? "",
    status: task.status,
    priority: task.priority,
    dueDate: task.dueDate ?? "",
    assigneeId: task.assigneeId ?? "",
    tags: task.tags.join(", "),
  };
}

function tagsOf(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}

/** The draft as API fields: empty optional fields are null. */
function fieldsOf(draft: TaskDraft) {
  return {
    title: draft.title.trim(),
    description: draft.description === "" ? null : draft.description,
    status: draft.status,
    priority: draft.priority,
    dueDate: draft.dueDate === "" ? null : draft.dueDate,
    assigneeId: draft.assigneeId === "" ? null : draft.assigneeId,
    tags: tagsOf(draft.tags),
  };
}

export function createInput(projectId: string, draft: TaskDraft): RouterInputs["tasks"]["create"] {
  return { projectId, ...fieldsOf(draft) };
}

/** The fields of `draft` that differ from `base`: what a PATCH sends. */
export function changesBetween(base: TaskDraft, draft: TaskDraft): TaskPatch {
  const before = fieldsOf(base);
  const after = fieldsOf(draft);
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof typeof after)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  }
  return patch as TaskPatch;
}

/** The draft fields whose values differ between two drafts. */
export function differingFields(a: TaskDraft, b: TaskDraft): (keyof TaskDraft)[] {
  return (Object.keys(FIELD_LABELS) as (keyof TaskDraft)[]).filter((key) => a[key] !== b[key]);
}
