import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { bundleServer } from "./server-bundle.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The server bundled once per run; spawned server processes run it (test/support/process.ts). */
    serverBundle: string;
  }
}

/** Bundles the server once per run, for the tests that start it as a real process. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "cadence-server-bundle-"));
  const file = join(dir, "main.mjs");
  await bundleServer(file);
  project.provide("serverBundle", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
