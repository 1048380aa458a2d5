import { and, count, eq, ilike, ne, or, sql, type SQL } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { prepared, users, type Database, type Executor } from "@cadence/db";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import type { Context } from "../context.js";
import { iso, toPage } from "../schemas/common.js";
import type { User } from "../schemas/users.js";
import { actorOf, changesOf, recordAudit, REDACTED_CHANGE, type Actor } from "./audit.js";
import { isUniqueViolation } from "./db-errors.js";
import { likePattern } from "./like.js";
import { revokeUserSessions } from "./sessions.js";
import type { Identity } from "../auth/identity.js";

/** Every column a client may see: the hash is never selected. */
export const publicUserColumns = {
  id: users.id,
  email: users.email,
  username: users.username,
  name: users.name,
  role: users.role,
  disabled: users.disabled,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export type UserRow = { [K in keyof typeof publicUserColumns]: (typeof users.$inferSelect)[K] };

export function toUser(row: UserRow): User {
  return { ...row, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

const AUDITED_FIELDS = ["email", "username", "name", "role", "disabled"] as const;

const userById = prepared((db) => db.select(publicUserColumns).from(users).where(eq(users.id, sql.placeholder("id"))).prepare("user_by_id"));

export async function findUser(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await userById(db).execute({ id });
  return row;
}

async function requireUser(db: Executor, id: string): Promise<UserRow> {
  const row = await findUser(db, id);
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "User not found" });
  return row;
}

/** Throws 409 when another user already has this email (case-insensitively). */
export async function assertEmailFree(db: Executor, email: string, exceptId?: string): Promise<void> {
  const conditions: SQL[] = [sql`lower(${users.email}) = lower(${email})`];
  if (exceptId) conditions.push(ne(users.id, exceptId));
  const [taken] = await db.select({ id: users.id }).from(users).where(and(...conditions)).limit(1);
  if (taken) throw new TRPCError({ code: "CONFLICT", message: "That email is already registered" });
}

type Guard = (tx: Executor, before: UserRow) => Promise<void>;

/** Updates a user and audits it in one transaction; `action` may depend on the state before the change. */
async function update(
  ctx: Context,
  actor: Actor,
  id: string,
  patch: Partial<typeof users.$inferInsert>,
  action: string | ((before: UserRow) => string),
  guard?: Guard,
) {
  return ctx.db.transaction(async (tx) => {
    const before = await requireUser(tx, id);
    await guard?.(tx, before);
    const [after] = await tx.update(users).set({ ...patch, updatedAt: sql`now()` }).where(eq(users.id, id)).returning(publicUserColumns);
    if (!after) throw new TRPCError({ code: "NOT_FOUND", message: "User not found" });
    await recordAudit(tx, {
      actor,
      action: typeof action === "string" ? action : action(before),
      entityType: "user", entityId: id, requestId: ctx.requestId, changes: changesOf(before, after, AUDITED_FIELDS) });
    if (patch.disabled === true) await revokeUserSessions(tx, id);
    return toUser(after);
  });
}

export async function getMe(ctx: Context, identity: Identity): Promise<User> {
  // The identity check of this request already read the caller's row (enabled, session live): no second query.
  const known = await ctx.getIdentity();
  if (known.status === "ok" && known.user.id === identity.userId) return known.user;
  return toUser(await requireUser(ctx.db, identity.userId));
}

export async function updateMe(ctx: Context, identity: Identity, input: { name?: string | null; email?: string }): Promise<User> {
  if (input.email !== undefined) await assertEmailFree(ctx.db, input.email, identity.userId);
  try {
    return await update(ctx, actorOf(identity), identity.userId, input, "user.update");
  } catch (error) {
    if (isUniqueViolation(error)) throw new TRPCError({ code: "CONFLICT", message: "That email is already registered" });
    throw error;
  }
}

/** Changes the caller's password after checking the current one, and revokes every session of theirs. */
export async function changePassword(ctx: Context, identity: Identity, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const [row] = await ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, identity.userId));
  if (!row || !(await verifyPassword(row.passwordHash, input.currentPassword))) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The current password is incorrect" });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, identity.userId));
    await revokeUserSessions(tx, identity.userId);
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "user.password_change",
      entityType: "user",
      entityId: identity.userId,
      requestId: ctx.requestId,
      changes: { password: REDACTED_CHANGE },
    });
  });
}

export async function listUsers(db: Database, input: { page: number; perPage: number; q?: string | undefined }) {
  const pattern = input.q === undefined ? undefined : likePattern(input.q);
  const where = pattern ? or(ilike(users.email, pattern), ilike(users.username, pattern), ilike(users.name, pattern)) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select(publicUserColumns)
      .from(users)
      .where(where)
      .orderBy(users.createdAt, users.id)
      .limit(input.perPage)
      .offset((input.page - 1) * input.perPage),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return toPage(rows.map(toUser), total?.n ?? 0, input.page, input.perPage);
}

export async function getUser(db: Database, id: string): Promise<User> {
  return toUser(await requireUser(db, id));
}

/** Admin change of role or disabled state. Refuses to leave the system without an active admin. */
export async function adminUpdateUser(
  ctx: Context,
  identity: Identity,
  input: { id: string; role?: "user" | "admin" | undefined; disabled?: boolean | undefined },
): Promise<User> {
  const patch: Partial<typeof users.$inferInsert> = {};
  if (input.role !== undefined) patch.role = input.role;
  if (input.disabled !== undefined) patch.disabled = input.disabled;
  const action = (before: UserRow) => (input.disabled === true && !before.disabled ? "user.disable" : "user.update");
  return update(ctx, actorOf(identity), input.id, patch, action, async (tx, before) => {
    const losesAdmin = before.role === "admin" && !before.disabled && (input.role === "user" || input.disabled === true);
    if (!losesAdmin) return;
    // Lock every active admin row so two admins demoting each other at once cannot both pass the check.
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.disabled, false)))
      .for("update");
    if (admins.every((admin) => admin.id === input.id)) {
      throw new TRPCError({ code: "CONFLICT", message: "Cannot demote or disable the last active admin" });
    }
  });
}
