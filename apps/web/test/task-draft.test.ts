import { describe, expect, it } from "vitest";
import { changesBetween, createInput, draftOf, emptyDraft } from "../src/board/task-draft.js";
import { listInput, NO_FILTERS } from "../src/board/task-filters.js";
import type { Task } from "../src/board/task-types.js";

const task: Task = {
  id: "00000000-0000-4000-8000-000000000001",
  projectId: "00000000-0000-4000-8000-000000000002",
  title: "Ship it",
  description: null,
  status: "pending",
  priority: "medium",
  dueDate: null,
  assigneeId: null,
  tags: ["release"],
  createdBy: "00000000-0000-4000-8000-000000000003",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  version: 3,
};

describe("an edit's PATCH", () => {
  it("sends only the fields the user changed, empty inputs as null", () => {
    const base = draftOf(task);
    expect(changesBetween(base, base)).toEqual({});
    expect(changesBetween(base, { ...base, title: " Ship it now ", dueDate: "2026-02-01", description: "" })).toEqual({
      title: "Ship it now",
      dueDate: "2026-02-01",
    });
    expect(changesBetween({ ...base, dueDate: "2026-02-01" }, base)).toEqual({ dueDate: null });
  });

  it("reads tags as a comma-separated list, lowercased and de-duplicated, so spacing alone changes nothing", () => {
    const base = draftOf(task);
    expect(changesBetween(base, { ...base, tags: " release ,  " })).toEqual({});
    expect(changesBetween(base, { ...base, tags: "Release, docs, DOCS" })).toEqual({ tags: ["release", "docs"] });
  });

  it("creates with every field, unset ones as null", () => {
    expect(createInput(task.projectId, { ...emptyDraft("completed"), title: "New" })).toEqual({
      projectId: task.projectId,
      title: "New",
      description: null,
      status: "completed",
      priority: "medium",
      dueDate: null,
      assigneeId: null,
      tags: [],
    });
  });
});

describe("a column's list input", () => {
  it("names the column's status and page and only the filters that are set", () => {
    expect(listInput(task.projectId, NO_FILTERS, "pending", 2)).toEqual({
      projectId: task.projectId,
      status: "pending",
      page: 2,
      perPage: 10,
      sort: "createdAt",
      order: "desc",
    });
    const filtered = listInput(task.projectId, { ...NO_FILTERS, q: " api ", tag: "Auth", assigneeId: "me", dueBefore: "2026-03-01" }, "completed", 1);
    expect(filtered).toMatchObject({ q: "api", tag: "auth", assigneeId: "me", dueBefore: "2026-03-01", status: "completed" });
    expect(filtered).not.toHaveProperty("priority");
  });
});
