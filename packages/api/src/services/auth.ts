import { eq, or, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { users } from "@cadence/db";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import type { Context } from "../context.js";
import { enforce } from "../rate-limit/headers.js";
import type { TokenPair } from "../schemas/auth.js";
import type { User } from "../schemas/users.js";
import { changesOf, recordAudit } from "./audit.js";
import { isUniqueViolation } from "./db-errors.js";
import { endSession, rotateRefreshToken, startSession } from "./sessions.js";
import { assertEmailFree, publicUserColumns, toUser } from "./users.js";

/** One message for an unknown user, a wrong password and a disabled account, so none can be told apart. */
const BAD_CREDENTIALS = "Invalid username or password";

export interface NewUser {
  email: string;
  username: string;
  password: string;
  name?: string | undefined;
  role?: "user" | "admin";
}

async function assertUsernameFree(ctx: Pick<Context, "db">, username: string): Promise<void> {
  const [taken] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
  if (taken) throw new TRPCError({ code: "CONFLICT", message: "That username is taken" });
}

/** Creates an account (audited as the new user's own action). Also used by the admin bootstrap. */
export async function createUser(ctx: Pick<Context, "db" | "requestId">, input: NewUser): Promise<User> {
  await assertUsernameFree(ctx, input.username);
  await assertEmailFree(ctx.db, input.email);
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email: input.email, username: input.username, name: input.name ?? null, passwordHash, role: input.role ?? "user" })
        .returning(publicUserColumns);
      if (!row) throw new Error("user insert returned nothing");
      await recordAudit(tx, {
        actor: { id: row.id, kind: "user" },
        action: "user.register",
        entityType: "user",
        entityId: row.id,
        requestId: ctx.requestId,
        changes: changesOf(null, row, ["email", "username", "name", "role", "disabled"]),
      });
      return toUser(row);
    });
  } catch (error) {
    // Two registrations racing for the same name: the unique index decides, the loser gets 409.
    if (isUniqueViolation(error)) throw new TRPCError({ code: "CONFLICT", message: "That email or username is taken" });
    throw error;
  }
}

export async function register(ctx: Context, input: NewUser): Promise<User> {
  await enforce(ctx, ctx.limiters.register, `ip:${ctx.ip}`);
  return createUser(ctx, { ...input, role: "user" });
}

/**
 * Logs in by username or email. Attempts count per (client IP, name as sent, case aside) before the password is
 * checked, so parallel guesses cannot slip past the limit; a success clears the count. The key never depends on
 * whether or whose account the name belongs to: an account's username and its email each get their own allowance,
 * exactly like names nobody has, so the limit cannot tell which email belongs to which account. Unknown users are
 * verified against a dummy hash so they take as long as a wrong password.
 */
export async function login(ctx: Context, input: { username: string; password: string }): Promise<TokenPair> {
  const name = input.username.toLowerCase();
  const limitKey = `${ctx.ip}:name:${name}`;
  await enforce(ctx, ctx.limiters.loginFailures, limitKey);
  const [user] = await ctx.db
    .select({ id: users.id, role: users.role, disabled: users.disabled, passwordHash: users.passwordHash })
    .from(users)
    .where(or(eq(users.username, name), sql`lower(${users.email}) = lower(${input.username})`))
    .limit(1);
  const valid = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !valid || user.disabled) {
    ctx.observer.authenticationFailed("bad_credentials");
    throw new TRPCError({ code: "UNAUTHORIZED", message: BAD_CREDENTIALS });
  }
  await ctx.limiters.loginFailures.reset(limitKey);
  return startSession(ctx.db, ctx.auth, user);
}

export async function refresh(ctx: Context, refreshToken: string): Promise<TokenPair> {
  await enforce(ctx, ctx.limiters.refresh, `ip:${ctx.ip}`);
  try {
    return await rotateRefreshToken(ctx.db, ctx.auth, refreshToken);
  } catch (error) {
    if (error instanceof TRPCError && error.code === "UNAUTHORIZED") ctx.observer.authenticationFailed("invalid_refresh_token");
    throw error;
  }
}

export async function logout(ctx: Context, refreshToken: string): Promise<void> {
  await enforce(ctx, ctx.limiters.refresh, `ip:${ctx.ip}`);
  await endSession(ctx.db, refreshToken);
}
