import { describe, expect, it } from "vitest";
import { changesOf } from "../src/services/audit.js";
import { likePattern } from "../src/services/like.js";

describe("changesOf", () => {
  const fields = ["title", "tags", "dueDate", "updatedAt"] as const;

  it("keeps only the fields whose values differ, as before/after", () => {
    const before = { title: "a", tags: ["x"], dueDate: null, updatedAt: new Date("2026-01-01T00:00:00Z") };
    const after = { title: "b", tags: ["x"], dueDate: null, updatedAt: new Date("2026-01-01T00:00:00Z") };
    expect(changesOf(before, after, fields)).toEqual({ title: { before: "a", after: "b" } });
  });

  it("compares arrays and dates by value and records dates as ISO strings", () => {
    const before = { title: "a", tags: ["x"], dueDate: null, updatedAt: new Date("2026-01-01T00:00:00Z") };
    const after = { title: "a", tags: ["x", "y"], dueDate: null, updatedAt: new Date("2026-01-02T00:00:00Z") };
    expect(changesOf(before, after, fields)).toEqual({
      tags: { before: ["x"], after: ["x", "y"] },
      updatedAt: { before: "2026-01-01T00:00:00.000Z", after: "2026-01-02T00:00:00.000Z" },
    });
  });

  it("records a creation with null befores and a deletion with null afters, skipping fields that stay null", () => {
    expect(changesOf(null, { title: "a", tags: [], dueDate: null, updatedAt: null }, fields)).toEqual({
      title: { before: null, after: "a" },
      tags: { before: null, after: [] },
    });
    expect(changesOf({ title: "a", tags: [], dueDate: null, updatedAt: null }, null, ["title"])).toEqual({ title: { before: "a", after: null } });
  });

  it("only looks at the fields it is given, so secrets never enter the trail", () => {
    expect(changesOf({ passwordHash: "h1", name: "x" }, { passwordHash: "h2", name: "x" }, ["name"])).toEqual({});
  });
});

describe("likePattern", () => {
  it("matches anywhere and takes %, _ and backslash literally", () => {
    expect(likePattern("ab")).toBe("%ab%");
    expect(likePattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
  });
});
