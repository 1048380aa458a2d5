// Start-up cost of the embedded database, as ratios against a cold in-memory start measured in the same run:
// the test suite opens a migrated snapshot per file, `pnpm start` reopens a persisted data directory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase } from "@cadence/db";
import { createPgliteTemplate, openPgliteCopy } from "@cadence/db/testing";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function time(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const template = await createPgliteTemplate();
const dataDir = mkdtempSync(join(tmpdir(), "cadence-bench-"));
const seeded = await openDatabase({ dataDir });
await seeded.migrate();
await seeded.close();

const results: Record<string, number[]> = { "cold in-memory + migrate (baseline)": [], "snapshot load (tests)": [], "persisted reopen + migrate check (pnpm start)": [] };
for (let i = 0; i < RUNS; i++) {
  results["cold in-memory + migrate (baseline)"]?.push(
    await time(async () => {
      const db = await openDatabase({ url: "memory://", dataDir });
      await db.migrate();
      await db.close();
    }),
  );
  results["snapshot load (tests)"]?.push(await time(async () => (await openPgliteCopy(template)).close()));
  results["persisted reopen + migrate check (pnpm start)"]?.push(
    await time(async () => {
      const db = await openDatabase({ dataDir });
      await db.migrate();
      await db.close();
    }),
  );
}
rmSync(dataDir, { recursive: true, force: true });

const baseline = median(results["cold in-memory + migrate (baseline)"] ?? []);
console.log(`PGlite start-up, median of ${RUNS} runs (Node ${process.version})`);
for (const [name, values] of Object.entries(results)) {
  const ms = median(values);
  console.log(`  ${name.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / baseline).toFixed(2)}x baseline`);
}
