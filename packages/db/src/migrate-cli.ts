import { resolve } from "node:path";
import { openDatabase } from "./client.js";
import { DataDirInUseError } from "./data-dir-lock.js";

// `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in DATA_DIR.
const root = resolve(import.meta.dirname, "../../..");
const handle = await openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? resolve(root, ".data"),
}).catch((error: unknown) => {
  // A running server holds the embedded database: one line, not a stack trace.
  if (!(error instanceof DataDirInUseError)) throw error;
  console.error(error.message);
  process.exit(1);
});
try {
  await handle.migrate();
  console.log(`migrations applied (${handle.driver})`);
} finally {
  await handle.close();
}
