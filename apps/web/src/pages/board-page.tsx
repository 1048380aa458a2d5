import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ActivityTimeline } from "../activity/activity-timeline.js";
import { BoardColumn } from "../board/board-column.js";
import { BoardFilters } from "../board/board-filters.js";
import { LiveIndicator } from "../board/live-indicator.js";
import { TaskCreateDialog } from "../board/task-create-dialog.js";
import { TaskEditor } from "../board/task-editor.js";
import { NO_FILTERS, type TaskFilters } from "../board/task-filters.js";
import { STATUSES, type Task } from "../board/task-types.js";
import { useProjectMembers } from "../board/use-member-names.js";
import { useProjectFeed } from "../board/use-project-feed.js";
import { MembersPanel } from "../members/members-panel.js";
import { useDebouncedValue } from "../hooks/use-debounced-value.js";
import { useTRPC } from "../trpc.js";

type Dialog = { kind: "create" } | { kind: "edit"; task: Task } | undefined;

/** A project's board: filters, a column per status, members (owners) and the activity timeline, all live. */
export function BoardPage({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const project = useQuery(trpc.projects.get.queryOptions({ id: projectId }));
  const me = useQuery(trpc.users.me.queryOptions());
  const { members, nameOf } = useProjectMembers(projectId);
  const feed = useProjectFeed(projectId);
  const [filters, setFilters] = useState<TaskFilters>(NO_FILTERS);
  // The columns follow the filter bar once typing pauses.
  const applied = useDebouncedValue(filters, 250);
  const [dialog, setDialog] = useState<Dialog>();
  const isOwner = me.data?.role === "admin" || members.some((member) => member.userId === me.data?.id && member.role === "owner");
  const columns = applied.status ? [applied.status] : STATUSES;

  if (project.error) {
    return (
      <section className="page">
        <h1>Project unavailable</h1>
        <p role="alert" className="error">
          {project.error.message}
        </p>
      </section>
    );
  }

  return (
    <section className="page board-page" aria-labelledby="board-title">
      <div className="board-head">
        <h1 id="board-title">{project.data?.name ?? "Loading project…"}</h1>
        <LiveIndicator state={feed} />
        <button type="button" className="primary" onClick={() => setDialog({ kind: "create" })}>
          New task
        </button>
      </div>
      <BoardFilters filters={filters} members={members} onChange={setFilters} />
      <div className="board-body">
        <div className="board" aria-label="Tasks by status" role="region">
          {columns.map((status) => (
            // Keyed by the filters: a new filter starts each column at its first page.
            <BoardColumn key={`${status}:${JSON.stringify(applied)}`} projectId={projectId} status={status} filters={applied} nameOf={nameOf} onOpen={(task) => setDialog({ kind: "edit", task })} />
          ))}
        </div>
        <aside className="side" aria-label="Project details">
          {isOwner && <MembersPanel projectId={projectId} members={members} />}
          <ActivityTimeline projectId={projectId} nameOf={nameOf} />
        </aside>
      </div>
      {dialog?.kind === "create" && <TaskCreateDialog projectId={projectId} members={members} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === "edit" && <TaskEditor key={dialog.task.id} task={dialog.task} members={members} onClose={() => setDialog(undefined)} />}
    </section>
  );
}
