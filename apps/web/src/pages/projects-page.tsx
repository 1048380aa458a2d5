import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useDebouncedValue } from "../hooks/use-debounced-value.js";
import { Link } from "../navigation/link.js";
import { Pager } from "../layout/pager.js";
import { ProjectCreateForm } from "./project-create-form.js";
import { useTRPC } from "../trpc.js";

const PER_PAGE = 20;

export function ProjectsPage() {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const q = useDebouncedValue(search.trim(), 250);
  const projects = useQuery({
    ...trpc.projects.list.queryOptions({ page, perPage: PER_PAGE, ...(q ? { q } : {}) }),
    placeholderData: keepPreviousData,
  });

  return (
    <section className="page" aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      <div className="toolbar">
        <label>
          Search projects
          <input
            type="search"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setPage(1);
            }}
          />
        </label>
      </div>
      {projects.isPending ? (
        <p role="status">Loading projects…</p>
      ) : projects.error ? (
        <p role="alert" className="error">
          {projects.error.message}
        </p>
      ) : projects.data.items.length === 0 ? (
        <p>No projects yet: create one below.</p>
      ) : (
        <ul className="project-list">
          {projects.data.items.map((project) => (
            <li key={project.id} className="card">
              <Link href={`/projects/${project.id}`}>{project.name}</Link>
              {project.description && <p>{project.description}</p>}
            </li>
          ))}
        </ul>
      )}
      {projects.data && <Pager label="Projects pages" page={page} totalPages={projects.data.totalPages} onPage={setPage} />}
      <ProjectCreateForm />
    </section>
  );
}
