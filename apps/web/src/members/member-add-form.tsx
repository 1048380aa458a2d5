import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Member } from "../board/task-types.js";
import { errorMessage } from "../errors.js";
import { useTRPC } from "../trpc.js";

/** Adds a user by id (`members.add` takes a user id; only admins may list users). */
export function MemberAddForm({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<Member["role"]>("member");
  const add = useMutation(
    trpc.projects.members.add.mutationOptions({
      onSuccess: async () => {
        setUserId("");
        await queryClient.invalidateQueries(trpc.projects.members.list.pathFilter());
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ id: projectId, userId: userId.trim(), role });
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add a member">
      <label>
        User id
        <input required pattern="[0-9a-fA-F-]{36}" title="A user id (UUID)" value={userId} onChange={(event) => setUserId(event.target.value)} />
      </label>
      <label>
        Role
        <select value={role} onChange={(event) => setRole(event.target.value as Member["role"])}>
          <option value="member">Member</option>
          <option value="owner">Owner</option>
        </select>
      </label>
      <button type="submit" disabled={add.isPending}>
        Add member
      </button>
      {add.error && (
        <p role="alert" className="error">
          {errorMessage(add.error)}
        </p>
      )}
    </form>
  );
}
