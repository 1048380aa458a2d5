import { FIELD_LABELS, differingFields, type TaskDraft } from "./task-draft.js";

interface TaskConflictProps {
  /** The task as the user first saw it, as the server has it now, and as the user wants it. */
  base: TaskDraft;
  latest: TaskDraft;
  mine: TaskDraft;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}

const shown = (value: string) => (value === "" ? "(empty)" : value);

/**
 * Shown when a save answered 409: someone saved the task since this user opened it. Lists the fields they changed
 * beside this user's values, and lets the user keep their version or take the other one.
 */
export function TaskConflict({ base, latest, mine, onKeepMine, onTakeTheirs }: TaskConflictProps) {
  const theirs = differingFields(base, latest);
  const yours = differingFields(base, mine);
  const overlap = yours.filter((field) => theirs.includes(field));
  const labels = (fields: (keyof TaskDraft)[]) => fields.map((field) => FIELD_LABELS[field]).join(", ");
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-title">
      <h3 id="conflict-title">Someone else changed this task while you were editing</h3>
      {theirs.length === 0 ? (
        <p>Their save changed no field you can see here.</p>
      ) : (
        <table>
          <caption>What changed</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">When you opened it</th>
              <th scope="col">Now saved</th>
              <th scope="col">Yours</th>
            </tr>
          </thead>
          <tbody>
            {theirs.map((field) => (
              <tr key={field}>
                <th scope="row">{FIELD_LABELS[field]}</th>
                <td>{shown(base[field])}</td>
                <td>{shown(latest[field])}</td>
                <td>{shown(mine[field])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {yours.length === 0 ? "You changed nothing yet." : `Your changes: ${labels(yours)}.`}{" "}
        {overlap.length > 0
          ? `Keeping yours replaces their ${labels(overlap)}.`
          : "Keeping yours saves only your fields on top of theirs."}
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={onKeepMine}>
          Keep my changes
        </button>
        <button type="button" onClick={onTakeTheirs}>
          Discard mine, use theirs
        </button>
      </div>
    </section>
  );
}
