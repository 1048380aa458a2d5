// Fails when drizzle-kit would generate a migration from the schema that is not committed.
// drizzle-kit exits 0 even when it fails, so its output must say "No schema changes" for a pass.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { relative } from "node:path";

const sqlFiles = (dir) => readdirSync(dir).filter((file) => file.endsWith(".sql"));

// drizzle-kit only accepts an output folder relative to the package.
const out = relative(process.cwd(), mkdtempSync("node_modules/.drift-"));
try {
  cpSync("migrations", out, { recursive: true });
  const run = spawnSync(
    "pnpm",
    ["exec", "drizzle-kit", "generate", "--dialect", "postgresql", "--schema", "./src/schema/index.ts",
      "--casing", "snake_case", "--out", out],
    { encoding: "utf8" },
  );
  const output = `${run.stdout}${run.stderr}`;
  const generated = sqlFiles(out).length - sqlFiles("migrations").length;
  if (run.status !== 0 || generated > 0 || !output.includes("No schema changes")) {
    console.error(output);
    console.error(
      generated > 0
        ? `Migration drift: the schema differs from the committed migrations. Run \`pnpm db:generate --name <change>\` and commit.`
        : "Migration drift check could not run drizzle-kit (see above).",
    );
    process.exit(1);
  }
  console.log(`No migration drift: ${sqlFiles("migrations").length} committed migrations match the schema.`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
