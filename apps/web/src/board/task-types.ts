import type { RouterInputs, RouterOutputs } from "@cadence/client";

/** Types of the API, inferred from the router: nothing here is written by hand. */
export type Task = RouterOutputs["tasks"]["get"];
export type TaskStatus = Task["status"];
export type TaskPriority = Task["priority"];
export type TaskListInput = RouterInputs["tasks"]["list"];
export type TaskPatch = Omit<RouterInputs["tasks"]["update"], "id" | "expectedVersion">;
export type Member = RouterOutputs["projects"]["members"]["list"][number];
export type TaskSort = NonNullable<TaskListInput["sort"]>;

export const STATUSES: readonly TaskStatus[] = ["pending", "in_progress", "completed"];
export const PRIORITIES: readonly TaskPriority[] = ["low", "medium", "high"];
export const SORTS: readonly TaskSort[] = ["createdAt", "updatedAt", "dueDate", "priority", "title"];

export const STATUS_LABELS: Record<TaskStatus, string> = { pending: "To do", in_progress: "In progress", completed: "Done" };
export const PRIORITY_LABELS: Record<TaskPriority, string> = { low: "Low", medium: "Medium", high: "High" };
export const SORT_LABELS: Record<TaskSort, string> = {
  createdAt: "Created",
  updatedAt: "Updated",
  dueDate: "Due date",
  priority: "Priority",
  title: "Title",
};
