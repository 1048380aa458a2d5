import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPgliteTemplate, createPostgresTemplate, dropPostgresDatabase } from "@cadence/db/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of a migrated PGlite data-directory dump (embedded runs). */
    pgliteTemplate: string;
    /** Name of a migrated template database next to DATABASE_URL (PostgreSQL runs). */
    postgresTemplate: string;
  }
}

/** Migrates once per run; each test file then starts from a copy, never from a cold migration. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const name = await createPostgresTemplate(url, `cadence_tpl_${process.pid}`);
    project.provide("postgresTemplate", name);
    project.provide("pgliteTemplate", "");
    return () => dropPostgresDatabase(url, name);
  }
  const dir = mkdtempSync(join(tmpdir(), "cadence-template-"));
  const file = join(dir, "template.tar");
  writeFileSync(file, Buffer.from(await (await createPgliteTemplate()).arrayBuffer()));
  project.provide("pgliteTemplate", file);
  project.provide("postgresTemplate", "");
  return async () => rmSync(dir, { recursive: true, force: true });
}
