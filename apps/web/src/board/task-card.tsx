import { PRIORITY_LABELS, type Task } from "./task-types.js";

/** One task on the board; its title is the button that opens the editor. */
export function TaskCard({ task, assignee, onOpen }: { task: Task; assignee: string; onOpen: (task: Task) => void }) {
  return (
    <li className="task-card" data-task-id={task.id}>
      <h3>
        <button type="button" className="task-open" onClick={() => onOpen(task)}>
          {task.title}
        </button>
      </h3>
      <dl className="task-meta">
        <div>
          <dt>Priority</dt>
          <dd className={`priority priority-${task.priority}`}>{PRIORITY_LABELS[task.priority]}</dd>
        </div>
        {task.dueDate && (
          <div>
            <dt>Due</dt>
            <dd>
              <time dateTime={task.dueDate}>{task.dueDate}</time>
            </dd>
          </div>
        )}
        <div>
          <dt>Assignee</dt>
          <dd>{task.assigneeId ? assignee : "Unassigned"}</dd>
        </div>
        {task.tags.length > 0 && (
          <div>
            <dt>Tags</dt>
            <dd>
              <ul className="tags" aria-label="Tags">
                {task.tags.map((tag) => (
                  <li key={tag}>{tag}</li>
                ))}
              </ul>
            </dd>
          </div>
        )}
      </dl>
    </li>
  );
}
