import type { TaskListInput, TaskPriority, TaskSort, TaskStatus } from "./task-types.js";

/** What the filter bar holds; empty strings mean "any". */
export interface TaskFilters {
  status: TaskStatus | "";
  priority: TaskPriority | "";
  /** "", "me" or a member's user id. */
  assigneeId: string;
  tag: string;
  q: string;
  dueAfter: string;
  dueBefore: string;
  sort: TaskSort;
  order: "asc" | "desc";
}

export const NO_FILTERS: TaskFilters = {
  status: "",
  priority: "",
  assigneeId: "",
  tag: "",
  q: "",
  dueAfter: "",
  dueBefore: "",
  sort: "createdAt",
  order: "desc",
};

export const COLUMN_PAGE_SIZE = 10;

/** The `tasks.list` input for one column and page: only the filters that are set. */
export function listInput(projectId: string, filters: TaskFilters, status: TaskStatus, page: number): TaskListInput {
  const tag = filters.tag.trim().toLowerCase();
  const q = filters.q.trim();
  return {
    projectId,
    status,
    page,
    perPage: COLUMN_PAGE_SIZE,
    sort: filters.sort,
    order: filters.order,
    ...(filters.priority ? { priority: filters.priority } : {}),
    ...(filters.assigneeId ? { assigneeId: filters.assigneeId } : {}),
    ...(tag ? { tag } : {}),
    ...(q ? { q } : {}),
    ...(filters.dueAfter ? { dueAfter: filters.dueAfter } : {}),
    ...(filters.dueBefore ? { dueBefore: filters.dueBefore } : {}),
  };
}
