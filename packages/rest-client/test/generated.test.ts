import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { documentFile, render, typesFile } from "../scripts/render.js";

describe("committed REST types", () => {
  it("match what the current router produces (run `pnpm --filter @cadence/rest-client generate` if not)", async () => {
    const { document, types } = await render();
    expect(await readFile(documentFile, "utf8"), "openapi.json is stale").toBe(document);
    expect(await readFile(typesFile, "utf8"), "src/generated/schema.gen.ts is stale").toBe(types);
  });
});
