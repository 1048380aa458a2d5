import { describe, expect, it } from "vitest";
import { describeError } from "../src/observability/error-log.js";

describe("describeError", () => {
  it("keeps the SQL and the driver's message of a query error but never its parameters", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const error = Object.assign(new Error("Failed query: insert into users ... params: alice,$argon2id$v=19$secret"), {
      query: "insert into users (username, password_hash) values ($1, $2)",
      params: ["alice", "$argon2id$v=19$secret"],
      cause,
    });
    const described = describeError(error);
    expect(described).toMatchObject({ error: "connect ECONNREFUSED 127.0.0.1:1", code: "ECONNREFUSED", query: error.query });
    expect(JSON.stringify(described)).not.toContain("argon2");
  });

  it("describes plain errors and non-errors", () => {
    expect(describeError(new Error("boom"))).toMatchObject({ error: "boom" });
    expect(describeError("text")).toEqual({ error: "text" });
  });
});
