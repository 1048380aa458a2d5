import { createPostgresTemplate, dropPostgresDatabase, migratedPgliteSnapshot } from "@cadence/db/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of a migrated PGlite data-directory dump (embedded runs). */
    pgliteTemplate: string;
    /** Name of a migrated template database next to DATABASE_URL (PostgreSQL runs). */
    postgresTemplate: string;
  }
}

/** Migrates once per run (PGlite: once per set of migrations); each test file then starts from a copy. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const name = await createPostgresTemplate(url, `cadence_tpl_${process.pid}`);
    project.provide("postgresTemplate", name);
    project.provide("pgliteTemplate", "");
    return () => dropPostgresDatabase(url, name);
  }
  // Shared with the other packages' tests and kept between runs: one cold start per set of migrations.
  project.provide("pgliteTemplate", await migratedPgliteSnapshot());
  project.provide("postgresTemplate", "");
  return async () => {};
}
