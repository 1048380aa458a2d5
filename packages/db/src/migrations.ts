import { fileURLToPath } from "node:url";

/** Committed drizzle-kit migrations; resolves the same from src/ and dist/. */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Key for the advisory lock that serialises migrations across instances sharing one server. */
export const MIGRATION_LOCK_KEY = 0x0c_ad_e0_ce;
