import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorMessage } from "../errors.js";
import { navigate } from "../navigation/navigation.js";
import { useTRPC } from "../trpc.js";

/** Creates a project (the caller becomes its owner) and opens its board. */
export function ProjectCreateForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.projects.create.mutationOptions({
      onSuccess: async (project) => {
        await queryClient.invalidateQueries(trpc.projects.list.pathFilter());
        navigate(`/projects/${project.id}`);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name });
  };
  return (
    <form className="card inline-form" onSubmit={submit} aria-labelledby="new-project-title">
      <h2 id="new-project-title">New project</h2>
      <label>
        Project name
        <input required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create project
      </button>
      {create.error && (
        <p role="alert" className="error">
          {errorMessage(create.error)}
        </p>
      )}
    </form>
  );
}
