// Fails when drizzle-kit would generate a migration from the schema that is not committed.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const out = mkdtempSync(join(tmpdir(), "cadence-drift-"));
try {
  cpSync("migrations", out, { recursive: true });
  const before = readdirSync(out).length;
  execFileSync(
    "pnpm",
    ["exec", "drizzle-kit", "generate", "--dialect", "postgresql", "--schema", "./src/schema/index.ts",
      "--casing", "snake_case", "--out", out],
    { stdio: "inherit" },
  );
  const after = readdirSync(out).filter((f) => f.endsWith(".sql")).length;
  const committed = readdirSync("migrations").filter((f) => f.endsWith(".sql")).length;
  if (after !== committed) {
    console.error(`Migration drift: the schema differs from the committed migrations (${after - committed} new). Run \`pnpm db:generate\` and commit.`);
    process.exit(1);
  }
  console.log(`No migration drift (${committed} migrations, ${before} entries).`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
