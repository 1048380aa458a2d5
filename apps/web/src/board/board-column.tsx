import { keepPreviousData, useQueries } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "../trpc.js";
import { TaskCard } from "./task-card.js";
import { listInput, type TaskFilters } from "./task-filters.js";
import { STATUS_LABELS, type Task, type TaskStatus } from "./task-types.js";

interface BoardColumnProps {
  projectId: string;
  status: TaskStatus;
  filters: TaskFilters;
  nameOf: (userId: string | null) => string;
  onOpen: (task: Task) => void;
}

/** The tasks of one status, a page at a time: "Show more" loads the next page below the ones shown. */
export function BoardColumn({ projectId, status, filters, nameOf, onOpen }: BoardColumnProps) {
  const trpc = useTRPC();
  const titleId = useId();
  const [pages, setPages] = useState(1);
  const results = useQueries({
    queries: Array.from({ length: pages }, (_, index) => ({
      ...trpc.tasks.list.queryOptions(listInput(projectId, filters, status, index + 1)),
      placeholderData: keepPreviousData,
    })),
  });
  // A task that moved between pages while they loaded shows once.
  const seen = new Set<string>();
  const tasks = results.flatMap((result) => result.data?.items ?? []).filter((task) => !seen.has(task.id) && seen.add(task.id));
  const first = results[0];
  const last = results[results.length - 1]?.data;
  const error = results.find((result) => result.error)?.error;

  return (
    <section className="column" aria-labelledby={titleId} data-status={status}>
      <h2 id={titleId}>
        {STATUS_LABELS[status]} <span className="count">{first?.data ? `(${first.data.total})` : ""}</span>
      </h2>
      {first?.isPending && <p role="status">Loading…</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      <ul className="task-list">
        {tasks.map((task) => (
          <TaskCard key={task.id} task={task} assignee={nameOf(task.assigneeId)} onOpen={onOpen} />
        ))}
      </ul>
      {first?.data && first.data.total === 0 && <p className="empty">No tasks</p>}
      {last && last.page < last.totalPages && (
        <button type="button" onClick={() => setPages(pages + 1)}>
          Show more {STATUS_LABELS[status].toLowerCase()} tasks
        </button>
      )}
    </section>
  );
}
