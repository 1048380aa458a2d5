import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { errorMessage } from "../errors.js";
import { useTRPC } from "../trpc.js";
import { ModalDialog } from "./modal-dialog.js";
import { createInput, emptyDraft, type TaskDraft } from "./task-draft.js";
import { TaskFields } from "./task-fields.js";
import type { Member } from "./task-types.js";

/** The form for a new task in this project. */
export function TaskCreateDialog({ projectId, members, onClose }: { projectId: string; members: readonly Member[]; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const titleId = useId();
  const [draft, setDraft] = useState<TaskDraft>(emptyDraft());
  const create = useMutation(
    trpc.tasks.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.tasks.pathFilter());
        onClose();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(createInput(projectId, draft));
  };
  return (
    <ModalDialog labelledBy={titleId} onClose={onClose}>
      <form className="editor" onSubmit={submit}>
        <h2 id={titleId}>New task</h2>
        <TaskFields draft={draft} members={members} onChange={setDraft} />
        {create.error && (
          <p role="alert" className="error">
            {errorMessage(create.error)}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create task"}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
