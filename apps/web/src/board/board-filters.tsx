import { useState } from "react";
import { NO_FILTERS, type TaskFilters } from "./task-filters.js";
import { EnumOptions } from "./enum-options.js";
import { MemberOptions } from "./member-options.js";
import { PRIORITIES, PRIORITY_LABELS, SORTS, SORT_LABELS, STATUSES, STATUS_LABELS, type Member } from "./task-types.js";

interface BoardFiltersProps {
  filters: TaskFilters;
  members: readonly Member[];
  onChange: (filters: TaskFilters) => void;
}

/** Open on a wide screen; folded on a phone, where the columns matter more. */
const startsOpen = () => typeof window.matchMedia !== "function" || window.matchMedia("(min-width: 48rem)").matches;

/** Every filter of `tasks.list` and its sort, as labelled form controls, in a disclosure. */
export function BoardFilters({ filters, members, onChange }: BoardFiltersProps) {
  const [open, setOpen] = useState(startsOpen);
  const set = <K extends keyof TaskFilters>(key: K, value: TaskFilters[K]) => onChange({ ...filters, [key]: value });
  return (
    <details className="filters-box" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Filters and sort</summary>
      <form className="filters" role="search" aria-label="Filter tasks" onSubmit={(event) => event.preventDefault()}>
        <label>
          Search
          <input type="search" value={filters.q} maxLength={200} onChange={(event) => set("q", event.target.value)} />
        </label>
        <label>
          Status
          <select value={filters.status} onChange={(event) => set("status", event.target.value as TaskFilters["status"])}>
            <option value="">Any</option>
            <EnumOptions values={STATUSES} labels={STATUS_LABELS} />
          </select>
        </label>
        <label>
          Priority
          <select value={filters.priority} onChange={(event) => set("priority", event.target.value as TaskFilters["priority"])}>
            <option value="">Any</option>
            <EnumOptions values={PRIORITIES} labels={PRIORITY_LABELS} />
          </select>
        </label>
        <label>
          Assignee
          <select value={filters.assigneeId} onChange={(event) => set("assigneeId", event.target.value)}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <MemberOptions members={members} />
          </select>
        </label>
        <label>
          Tag
          <input value={filters.tag} maxLength={30} onChange={(event) => set("tag", event.target.value)} />
        </label>
        <label>
          Due after
          <input type="date" value={filters.dueAfter} onChange={(event) => set("dueAfter", event.target.value)} />
        </label>
        <label>
          Due before
          <input type="date" value={filters.dueBefore} onChange={(event) => set("dueBefore", event.target.value)} />
        </label>
        <label>
          Sort by
          <select value={filters.sort} onChange={(event) => set("sort", event.target.value as TaskFilters["sort"])}>
            <EnumOptions values={SORTS} labels={SORT_LABELS} />
          </select>
        </label>
        <label>
          Order
          <select value={filters.order} onChange={(event) => set("order", event.target.value as TaskFilters["order"])}>
            <option value="desc">Descending</option>
            <option value="asc">Ascending</option>
          </select>
        </label>
        <button type="button" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      </form>
    </details>
  );
}
