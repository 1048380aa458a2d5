import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { errorCode, errorMessage } from "../errors.js";
import { useTRPC } from "../trpc.js";
import { ModalDialog } from "./modal-dialog.js";
import { TaskConflict } from "./task-conflict.js";
import { changesBetween, draftOf, type TaskDraft } from "./task-draft.js";
import { TaskDelete } from "./task-delete.js";
import { TaskFields } from "./task-fields.js";
import type { Member, Task } from "./task-types.js";

interface TaskEditorProps {
  /** The task as the user saw it on the board: its version is the one the save expects. */
  task: Task;
  members: readonly Member[];
  onClose: () => void;
}

/** Edits a task with PATCH of the changed fields at the version the user saw; a 409 opens the conflict choice. */
export function TaskEditor({ task, members, onClose }: TaskEditorProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const titleId = useId();
  const [seen, setSeen] = useState<{ draft: TaskDraft; version: number }>({ draft: draftOf(task), version: task.version });
  const [draft, setDraft] = useState<TaskDraft>(seen.draft);
  const [latest, setLatest] = useState<Task | undefined>();
  const update = useMutation(trpc.tasks.update.mutationOptions());

  const refreshBoard = () => queryClient.invalidateQueries(trpc.tasks.pathFilter());

  const save = (expectedVersion: number) => {
    const patch = changesBetween(seen.draft, draft);
    if (Object.keys(patch).length === 0) return onClose();
    update.mutate(
      { id: task.id, ...patch, expectedVersion },
      {
        onSuccess: async () => {
          await refreshBoard();
          onClose();
        },
        onError: async (error) => {
          if (errorCode(error) !== "CONFLICT") return;
          setLatest(await queryClient.fetchQuery({ ...trpc.tasks.get.queryOptions({ id: task.id }), staleTime: 0 }));
        },
      },
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save(seen.version);
  };

  const takeTheirs = (current: Task) => {
    const theirs = draftOf(current);
    setSeen({ draft: theirs, version: current.version });
    setDraft(theirs);
    setLatest(undefined);
    update.reset();
  };

  return (
    <ModalDialog labelledBy={titleId} onClose={onClose}>
      <form className="editor" onSubmit={submit}>
        <h2 id={titleId}>Edit task</h2>
        <TaskFields draft={draft} members={members} onChange={setDraft} />
        {latest ? (
          <TaskConflict base={seen.draft} latest={draftOf(latest)} mine={draft} onKeepMine={() => save(latest.version)} onTakeTheirs={() => takeTheirs(latest)} />
        ) : (
          update.error && (
            <p role="alert" className="error">
              {errorMessage(update.error)}
            </p>
          )
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={update.isPending || latest !== undefined}>
            {update.isPending ? "Saving…" : "Save"}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <TaskDelete taskId={task.id} onDeleted={onClose} />
        </div>
      </form>
    </ModalDialog>
  );
}
