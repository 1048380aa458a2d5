import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../errors.js";
import { useTRPC } from "../trpc.js";

/** Delete in two steps (ask, then confirm), without a browser pop-up. */
export function TaskDelete({ taskId, onDeleted }: { taskId: string; onDeleted: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useMutation(
    trpc.tasks.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.tasks.pathFilter());
        onDeleted();
      },
    }),
  );
  if (!asking) {
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label="Confirm deletion">
      <span>Delete this task for everyone?</span>
      <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: taskId })}>
        Yes, delete
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep it
      </button>
      {remove.error && (
        <span role="alert" className="error">
          {errorMessage(remove.error)}
        </span>
      )}
    </span>
  );
}
