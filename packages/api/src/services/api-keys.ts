import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { apiKeys } from "@cadence/db";
import { API_KEY_PREFIX, type Identity } from "../auth/identity.js";
import { hashSecret, randomToken } from "../auth/secrets.js";
import type { Context } from "../context.js";
import type { ApiKey } from "../schemas/api-keys.js";
import { iso, isoOrNull } from "../schemas/common.js";
import type { Scope } from "../schemas/scopes.js";
import { actorOf, changesOf, recordAudit } from "./audit.js";

const columns = {
  id: apiKeys.id,
  name: apiKeys.name,
  scopes: apiKeys.scopes,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

type ApiKeyRow = { [K in keyof typeof columns]: (typeof apiKeys.$inferSelect)[K] };

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    ...row,
    scopes: row.scopes as Scope[],
    createdAt: iso(row.createdAt),
    expiresAt: isoOrNull(row.expiresAt),
    lastUsedAt: isoOrNull(row.lastUsedAt),
  };
}

/** Creates a key; the secret is returned once here and only its hash is stored. */
export async function createApiKey(
  ctx: Context,
  identity: Identity,
  input: { name: string; scopes: Scope[]; expiresAt?: string | null | undefined },
): Promise<ApiKey & { key: string }> {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "expiresAt must be in the future" });
  }
  const prefix = `${API_KEY_PREFIX}${randomToken(6)}`;
  const key = `${prefix}_${randomToken()}`;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ userId: identity.userId, name: input.name, scopes: input.scopes, prefix, keyHash: hashSecret(key), expiresAt })
      .returning(columns);
    if (!row) throw new Error("api key insert returned nothing");
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "api_key.create",
      entityType: "api_key",
      entityId: row.id,
      requestId: ctx.requestId,
      changes: changesOf(null, row, ["name", "scopes", "prefix", "expiresAt"]),
    });
    return { ...toApiKey(row), key };
  });
}

/** The caller's live keys (revoked ones are gone), newest first, without secrets. */
export async function listApiKeys(ctx: Context, identity: Identity): Promise<ApiKey[]> {
  const rows = await ctx.db
    .select(columns)
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, identity.userId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(toApiKey);
}

/** Revokes one of the caller's keys; someone else's key is "not found", exactly like a missing one. */
export async function revokeApiKey(ctx: Context, identity: Identity, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, identity.userId), isNull(apiKeys.revokedAt)))
      .returning(columns);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "API key not found" });
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "api_key.revoke",
      entityType: "api_key",
      entityId: id,
      requestId: ctx.requestId,
      changes: { revoked: { before: false, after: true } },
    });
  });
}
