import { and, eq, isNull, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { refreshTokens, sessions, users, type Database, type Executor } from "@cadence/db";
import { hashSecret, randomToken } from "../auth/secrets.js";
import { signAccessToken } from "../auth/tokens.js";
import type { AuthConfig } from "../config.js";
import type { TokenPair } from "../schemas/auth.js";

const INVALID_REFRESH = "Invalid or expired refresh token";

async function issueRefreshToken(tx: Executor, auth: AuthConfig, sessionId: string): Promise<string> {
  const token = randomToken();
  await tx.insert(refreshTokens).values({
    sessionId,
    tokenHash: hashSecret(token),
    expiresAt: new Date(Date.now() + auth.refreshTokenTtlSeconds * 1000),
  });
  return token;
}

async function pairFor(auth: AuthConfig, user: { id: string; role: "user" | "admin" }, sessionId: string, refreshToken: string): Promise<TokenPair> {
  const accessToken = await signAccessToken(auth, { userId: user.id, sessionId, role: user.role });
  return { accessToken, refreshToken, tokenType: "Bearer", expiresIn: auth.accessTokenTtlSeconds };
}

/** Starts a session (one login) and returns its first token pair. */
export async function startSession(db: Database, auth: AuthConfig, user: { id: string; role: "user" | "admin" }): Promise<TokenPair> {
  return db.transaction(async (tx) => {
    const [session] = await tx.insert(sessions).values({ userId: user.id }).returning({ id: sessions.id });
    if (!session) throw new Error("session insert returned nothing");
    return pairFor(auth, user, session.id, await issueRefreshToken(tx, auth, session.id));
  });
}

/**
 * Rotates a refresh token: it is claimed atomically (single use) and replaced. Presenting a token that was
 * already rotated means it leaked or was replayed, so the whole session is revoked and the answer is 401.
 */
export async function rotateRefreshToken(db: Database, auth: AuthConfig, presented: string): Promise<TokenPair> {
  const tokenHash = hashSecret(presented);
  const outcome = await db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt)))
      .returning({ sessionId: refreshTokens.sessionId, expiresAt: refreshTokens.expiresAt });
    if (!claimed) {
      const [reused] = await tx
        .select({ sessionId: refreshTokens.sessionId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, tokenHash));
      if (reused) await revokeSession(tx, reused.sessionId);
      return { kind: "refused" as const };
    }
    const [owner] = await tx
      .select({ id: users.id, role: users.role, disabled: users.disabled, revokedAt: sessions.revokedAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, claimed.sessionId));
    if (!owner || owner.revokedAt !== null || owner.disabled || claimed.expiresAt.getTime() <= Date.now()) {
      return { kind: "refused" as const };
    }
    const next = await issueRefreshToken(tx, auth, claimed.sessionId);
    return { kind: "rotated" as const, owner, sessionId: claimed.sessionId, next };
  });
  // Refusals commit first (a reuse must stay revoked), then answer 401.
  if (outcome.kind === "refused") throw new TRPCError({ code: "UNAUTHORIZED", message: INVALID_REFRESH });
  return pairFor(auth, outcome.owner, outcome.sessionId, outcome.next);
}

export async function revokeSession(tx: Executor, sessionId: string): Promise<void> {
  await tx.update(sessions).set({ revokedAt: sql`now()` }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

export async function revokeUserSessions(tx: Executor, userId: string): Promise<void> {
  await tx.update(sessions).set({ revokedAt: sql`now()` }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/** Logout: revokes the session the refresh token belongs to. */
export async function endSession(db: Database, presented: string): Promise<void> {
  const [token] = await db
    .select({ sessionId: refreshTokens.sessionId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashSecret(presented)));
  if (!token) throw new TRPCError({ code: "UNAUTHORIZED", message: INVALID_REFRESH });
  await revokeSession(db, token.sessionId);
}
