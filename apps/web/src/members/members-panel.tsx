import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Member } from "../board/task-types.js";
import { errorMessage } from "../errors.js";
import { useTRPC } from "../trpc.js";
import { MemberAddForm } from "./member-add-form.js";

/** The project's members with role changes and removal; shown to owners (the server enforces it either way). */
export function MembersPanel({ projectId, members }: { projectId: string; members: readonly Member[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries(trpc.projects.members.list.pathFilter());
  const update = useMutation(trpc.projects.members.update.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.projects.members.remove.mutationOptions({ onSuccess }));
  const error = update.error ?? remove.error;

  return (
    <section className="panel members" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <ul>
        {members.map((member) => {
          const name = member.name ?? member.username;
          return (
            <li key={member.userId}>
              <span>{name}</span>
              <label>
                <span className="visually-hidden">Role of {name}</span>
                <select
                  value={member.role}
                  onChange={(event) => update.mutate({ id: projectId, userId: member.userId, role: event.target.value as Member["role"] })}
                >
                  <option value="owner">Owner</option>
                  <option value="member">Member</option>
                </select>
              </label>
              <button type="button" onClick={() => remove.mutate({ id: projectId, userId: member.userId })} aria-label={`Remove ${name}`}>
                Remove
              </button>
            </li>
          );
        })}
      </ul>
      {error && (
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
      )}
      <MemberAddForm projectId={projectId} />
    </section>
  );
}
