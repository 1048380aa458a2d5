import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { expectedVersionOf, parseIfMatch } from "../src/services/versions.js";

describe("parseIfMatch", () => {
  it.each([
    ["3", 3],
    ['"3"', 3],
    ['W/"12"', 12],
    [" 7 ", 7],
  ])("reads %s as version %i", (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it("treats a missing header as no expectation", () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it.each(["banana", "*", "-1", '"3', "3 4"])("refuses %s with BAD_REQUEST", (header) => {
    expect(() => parseIfMatch(header)).toThrow(TRPCError);
    expect(() => parseIfMatch(header)).toThrow(/If-Match must carry a task version/);
  });
});

describe("expectedVersionOf", () => {
  it("takes whichever of body and header is given", () => {
    expect(expectedVersionOf(4, undefined)).toBe(4);
    expect(expectedVersionOf(undefined, '"5"')).toBe(5);
    expect(expectedVersionOf(6, "6")).toBe(6);
    expect(expectedVersionOf(undefined, undefined)).toBeUndefined();
  });

  it("refuses a body and a header that disagree", () => {
    expect(() => expectedVersionOf(1, "2")).toThrow(/disagree/);
  });
});
