import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { apiKeys, prepared, rawRows, sessions, users, type Database } from "@cadence/db";
import type { AuthConfig } from "../config.js";
import type { AuthFailureReason } from "../observer.js";
import type { Scope } from "../schemas/scopes.js";
import type { User } from "../schemas/users.js";
import { outputColumns } from "../services/output-columns.js";
import { publicUserColumns, toUser } from "../services/users.js";
import { hashSecret } from "./secrets.js";
import { verifyAccessToken } from "./tokens.js";

/** Who is calling. Roles come from the database on every request, never from a token claim alone. */
export type Identity =
  | { kind: "user"; userId: string; role: "user" | "admin"; sessionId: string }
  | { kind: "api_key"; userId: string; role: "user" | "admin"; apiKeyId: string; scopes: Scope[] };

export type IdentityResult =
  | { status: "anonymous" }
  | { status: "invalid"; reason: string; failure: AuthFailureReason }
  /** `user`: the caller as the identity check read them (the output shape), so `users.me` needs no second query. */
  | { status: "ok"; identity: Identity; user: User };

export const API_KEY_PREFIX = "cad_";

/** lastUsedAt is refreshed at most this often, so a busy key does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A key that still counts: not revoked, not expired, its user enabled (also the streams' batched re-check). */
export const liveApiKeyRules = () => [isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)), eq(users.disabled, false)];

/** A session that still counts: not revoked (logout, password change), its user enabled (also the streams' re-check). */
export const liveSessionRules = () => [isNull(sessions.revokedAt), eq(users.disabled, false)];

const liveApiKey = prepared((db) =>
  db
    .select({ key: { id: apiKeys.id, scopes: apiKeys.scopes, lastUsedAt: apiKeys.lastUsedAt }, user: publicUserColumns })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, sql.placeholder("keyHash")), ...liveApiKeyRules()))
    .limit(1)
    .prepare("identity_api_key"),
);

// The session must still be live and the user enabled: logout, password changes and disabling take effect now. The
// row comes back as the output `User` (see outputColumns): the hottest query of all needs no per-row mapping.
const liveSessionUser = prepared((db) =>
  db
    .select(outputColumns(publicUserColumns))
    .from(users)
    .innerJoin(sessions, eq(sessions.userId, users.id))
    .where(and(eq(users.id, sql.placeholder("userId")), eq(sessions.id, sql.placeholder("sessionId")), ...liveSessionRules()))
    .limit(1)
    .prepare("identity_session"),
);

async function identifyApiKey(db: Database, key: string): Promise<IdentityResult> {
  const [row] = await liveApiKey(db).execute({ keyHash: hashSecret(key) });
  if (!row) return { status: "invalid", reason: "Invalid, expired or revoked API key", failure: "invalid_api_key" };
  const { key: apiKey, user } = row;
  if (!apiKey.lastUsedAt || Date.now() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiKeys.id, apiKey.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
  }
  return {
    status: "ok",
    identity: { kind: "api_key", userId: user.id, role: user.role, apiKeyId: apiKey.id, scopes: apiKey.scopes as Scope[] },
    user: toUser(user),
  };
}

async function identifyAccessToken(db: Database, auth: AuthConfig, token: string): Promise<IdentityResult> {
  const claims = await verifyAccessToken(auth, token);
  if (!claims) return { status: "invalid", reason: "Invalid or expired access token", failure: "invalid_access_token" };
  const [user] = await rawRows<User>(liveSessionUser(db), { userId: claims.userId, sessionId: claims.sessionId });
  if (!user) return { status: "invalid", reason: "Invalid or expired access token", failure: "revoked_session" };
  return { status: "ok", identity: { kind: "user", userId: claims.userId, role: user.role, sessionId: claims.sessionId }, user };
}

/** The one place an `Authorization` header becomes an identity, for `/trpc` and `/api/v1` alike. */
export async function resolveIdentity(db: Database, auth: AuthConfig, header: string | undefined): Promise<IdentityResult> {
  if (header === undefined || header === "") return { status: "anonymous" };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const credential = match?.[1];
  if (!credential) return { status: "invalid", reason: "Authorization header must be `Bearer <token>`", failure: "malformed_authorization" };
  if (credential.startsWith(API_KEY_PREFIX)) return identifyApiKey(db, credential);
  return identifyAccessToken(db, auth, credential);
}
