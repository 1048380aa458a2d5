import { FIELD_LABELS, type TaskDraft } from "./task-draft.js";
import { EnumOptions } from "./enum-options.js";
import { MemberOptions } from "./member-options.js";
import { PRIORITIES, PRIORITY_LABELS, STATUSES, STATUS_LABELS, type Member } from "./task-types.js";

interface TaskFieldsProps {
  draft: TaskDraft;
  members: readonly Member[];
  onChange: (draft: TaskDraft) => void;
}

/** The editable fields of a task, each a labelled control. */
export function TaskFields({ draft, members, onChange }: TaskFieldsProps) {
  const set = <K extends keyof TaskDraft>(key: K, value: TaskDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <div className="task-fields">
      <label className="wide">
        {FIELD_LABELS.title}
        <input name="title" required maxLength={150} value={draft.title} onChange={(event) => set("title", event.target.value)} />
      </label>
      <label className="wide">
        {FIELD_LABELS.description}
        <textarea name="description" rows={4} maxLength={5000} value={draft.description} onChange={(event) => set("description", event.target.value)} />
      </label>
      <label>
        {FIELD_LABELS.status}
        <select name="status" value={draft.status} onChange={(event) => set("status", event.target.value as TaskDraft["status"])}>
          <EnumOptions values={STATUSES} labels={STATUS_LABELS} />
        </select>
      </label>
      <label>
        {FIELD_LABELS.priority}
        <select name="priority" value={draft.priority} onChange={(event) => set("priority", event.target.value as TaskDraft["priority"])}>
          <EnumOptions values={PRIORITIES} labels={PRIORITY_LABELS} />
        </select>
      </label>
      <label>
        {FIELD_LABELS.assigneeId}
        <select name="assigneeId" value={draft.assigneeId} onChange={(event) => set("assigneeId", event.target.value)}>
          <option value="">Unassigned</option>
          <MemberOptions members={members} />
        </select>
      </label>
      <label>
        {FIELD_LABELS.dueDate}
        <input name="dueDate" type="date" value={draft.dueDate} onChange={(event) => set("dueDate", event.target.value)} />
      </label>
      <label className="wide">
        {FIELD_LABELS.tags} <span className="hint">(comma-separated)</span>
        <input name="tags" value={draft.tags} onChange={(event) => set("tags", event.target.value)} />
      </label>
    </div>
  );
}
