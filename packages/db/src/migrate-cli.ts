import { resolve } from "node:path";
import { openDatabase } from "./client.js";

// `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in DATA_DIR.
const root = resolve(import.meta.dirname, "../../..");
const handle = await openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? resolve(root, ".data"),
});
try {
  await handle.migrate();
  console.log(`migrations applied (${handle.driver})`);
} finally {
  await handle.close();
}
