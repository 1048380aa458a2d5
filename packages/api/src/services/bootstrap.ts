import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { users, type Database } from "@cadence/db";
import { createUser } from "./auth.js";
import { createProject } from "./projects.js";
import { createTask } from "./tasks.js";

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

/**
 * Creates a bootstrap account, or answers undefined when another instance starting on the same database created it
 * first (our insert is then a CONFLICT and the email exists). Any other conflict, such as a username another
 * account holds, still stops start-up.
 */
async function createOnce(db: Database, email: string, create: () => ReturnType<typeof createUser>) {
  try {
    return await create();
  } catch (error) {
    if (error instanceof TRPCError && error.code === "CONFLICT" && (await emailExists(db, email))) return undefined;
    throw error;
  }
}

/** Creates the configured admin unless a user with that email exists. Returns whether it created one. */
export async function ensureAdmin(db: Database, admin: AdminBootstrap): Promise<boolean> {
  if (await emailExists(db, admin.email)) return false;
  return (await createOnce(db, admin.email, () => createUser({ db, requestId: "bootstrap" }, { ...admin, role: "admin" }))) !== undefined;
}

function isoDateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Seeds the demo account with a project and a few tasks, once; later starts find it and leave it alone. */
export async function seedDemo(db: Database): Promise<boolean> {
  if (await emailExists(db, DEMO_ACCOUNT.email)) return false;
  const ctx = { db, requestId: "seed" };
  const user = await createOnce(db, DEMO_ACCOUNT.email, () => createUser(ctx, { ...DEMO_ACCOUNT, role: "user" }));
  if (!user) return false;
  const identity = { kind: "user" as const, userId: user.id, role: user.role, sessionId: "seed" };
  const project = await createProject(ctx, identity, { name: "Demo project", description: "Seeded by `pnpm start` to explore the API." });
  const tasks = [
    { title: "Read the API reference at /docs", priority: "high" as const, tags: ["onboarding"], assigneeId: user.id },
    { title: "Create an API key", status: "in_progress" as const, tags: ["onboarding", "auth"], dueDate: isoDateIn(3) },
    { title: "Call the API over tRPC", priority: "low" as const, tags: ["trpc"], dueDate: isoDateIn(7) },
    { title: "Ship the first release", status: "completed" as const, tags: ["release"], assigneeId: user.id },
  ];
  for (const task of tasks) await createTask(ctx, identity, { projectId: project.id, ...task });
  return true;
}
