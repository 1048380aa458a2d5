import { sql } from "drizzle-orm";
import { users, type Database } from "@cadence/db";
import { createUser } from "./auth.js";

export interface AdminBootstrap {
  email: string;
  password: string;
  username: string;
}

/** The demo account `pnpm start` seeds on the embedded database outside production (shown in the README). */
export const DEMO_ACCOUNT = { username: "demo", email: "demo@cadence.local", password: "cadence-demo", name: "Demo User" } as const;

async function emailExists(db: Database, email: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
  return row !== undefined;
}

/** Creates the configured admin unless a user with that email exists. Returns whether it created one. */
export async function ensureAdmin(db: Database, admin: AdminBootstrap): Promise<boolean> {
  if (await emailExists(db, admin.email)) return false;
  await createUser({ db, requestId: "bootstrap" }, { ...admin, role: "admin" });
  return true;
}

/** Seeds the demo account once; later starts find it and leave it alone. */
export async function seedDemo(db: Database): Promise<boolean> {
  if (await emailExists(db, DEMO_ACCOUNT.email)) return false;
  await createUser({ db, requestId: "seed" }, { ...DEMO_ACCOUNT, role: "user" });
  return true;
}
