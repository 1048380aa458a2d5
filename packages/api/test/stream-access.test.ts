import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createPostgresTemplate, dropPostgresDatabase, openMigratedPglite, openPostgresDatabase, withDatabase } from "@cadence/db/testing";
import { apiKeys, projectMembers, projects, sessions, users, type DatabaseHandle } from "@cadence/db";
import type { AuthConfig } from "../src/config.js";
import { API_KEY_PREFIX } from "../src/auth/identity.js";
import { hashSecret, randomToken } from "../src/auth/secrets.js";
import { signAccessToken } from "../src/auth/tokens.js";
import type { Scope } from "../src/schemas/scopes.js";
import { assertStillAllowed, confirmedGrants, recheckStreamAccess, type StreamGrant } from "../src/services/stream-access.js";

const auth: AuthConfig = {
  keys: [{ kid: "k", secret: new TextEncoder().encode("x".repeat(32)) }],
  issuer: "cadence",
  audience: "cadence-api",
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 3600,
};
/** A key this server no longer has: its tokens stop verifying, as an expired one does. */
const retired: AuthConfig = { ...auth, keys: [{ kid: "retired", secret: new TextEncoder().encode("y".repeat(32)) }] };

let handle: DatabaseHandle;
/** Under scripts/with-postgres.sh the rules are also checked on real PostgreSQL (its own migrated database). */
const postgresUrl = process.env.DATABASE_URL;
const POSTGRES_DB = `cadence_stream_access_${process.pid}`;
let projectId: string;
let ownerId: string;
let serial = 0;

beforeAll(async () => {
  handle = postgresUrl ? await openPostgresDatabase(withDatabase(postgresUrl, await createPostgresTemplate(postgresUrl, POSTGRES_DB))) : await openMigratedPglite();
  ownerId = await user({});
  const [project] = await handle.db.insert(projects).values({ name: "watched", ownerId }).returning({ id: projects.id });
  if (!project) throw new Error("no project");
  projectId = project.id;
});
afterAll(async () => {
  await handle.close();
  if (postgresUrl) await dropPostgresDatabase(postgresUrl, POSTGRES_DB);
});

async function user(options: { admin?: boolean; disabled?: boolean; member?: boolean }): Promise<string> {
  serial += 1;
  const [row] = await handle.db
    .insert(users)
    .values({ email: `u${serial}@test.local`, username: `u${serial}`, passwordHash: "x", role: options.admin ? "admin" : "user", disabled: options.disabled ?? false })
    .returning({ id: users.id });
  if (!row) throw new Error("no user");
  if (options.member) await handle.db.insert(projectMembers).values({ projectId, userId: row.id, role: "member" });
  return row.id;
}

async function sessionGrant(options: { admin?: boolean; disabled?: boolean; member?: boolean; revoked?: boolean; signedWith?: AuthConfig }): Promise<StreamGrant> {
  const userId = await user(options);
  const [session] = await handle.db.insert(sessions).values({ userId, revokedAt: options.revoked ? new Date() : null }).returning({ id: sessions.id });
  if (!session) throw new Error("no session");
  const role = options.admin ? "admin" : "user";
  const token = await signAccessToken(options.signedWith ?? auth, { userId, sessionId: session.id, role });
  return { authorization: `Bearer ${token}`, identity: { kind: "user", userId, role, sessionId: session.id }, projectId };
}

async function keyGrant(options: { admin?: boolean; disabled?: boolean; member?: boolean; revoked?: boolean; expired?: boolean; scopes?: Scope[] }): Promise<StreamGrant> {
  const userId = await user(options);
  const key = `${API_KEY_PREFIX}${randomToken()}`;
  const scopes = options.scopes ?? ["projects:read"];
  const [row] = await handle.db
    .insert(apiKeys)
    .values({
      userId,
      name: "stream",
      prefix: key.slice(0, 8),
      keyHash: hashSecret(key),
      scopes,
      revokedAt: options.revoked ? new Date() : null,
      expiresAt: options.expired ? new Date(Date.now() - 60_000) : new Date(Date.now() + 3_600_000),
    })
    .returning({ id: apiKeys.id });
  if (!row) throw new Error("no key");
  const role = options.admin ? "admin" : "user";
  return { authorization: `Bearer ${key}`, identity: { kind: "api_key", userId, role, apiKeyId: row.id, scopes }, projectId };
}

const deps = () => ({ db: handle.db, auth });

describe("the batched stream access re-check", () => {
  it("confirms exactly the grants the per-stream check allows", async () => {
    const cases: [string, StreamGrant, boolean][] = [
      ["member's live session", await sessionGrant({ member: true }), true],
      ["admin's session, not a member", await sessionGrant({ admin: true }), true],
      ["session of a user outside the project", await sessionGrant({}), false],
      ["revoked session", await sessionGrant({ member: true, revoked: true }), false],
      ["session of a disabled user", await sessionGrant({ member: true, disabled: true }), false],
      ["token that no longer verifies", await sessionGrant({ member: true, signedWith: retired }), false],
      ["member's key with projects:read", await keyGrant({ member: true }), true],
      ["admin's key, not a member", await keyGrant({ admin: true }), true],
      ["key of a user outside the project", await keyGrant({}), false],
      ["key without projects:read", await keyGrant({ member: true, scopes: ["tasks:read"] }), false],
      ["revoked key", await keyGrant({ member: true, revoked: true }), false],
      ["expired key", await keyGrant({ member: true, expired: true }), false],
      ["key of a disabled user", await keyGrant({ member: true, disabled: true }), false],
      ["admin's session on a deleted project", { ...(await sessionGrant({ admin: true })), projectId: "00000000-0000-4000-8000-000000000000" }, false],
    ];
    const confirmed = await confirmedGrants(deps(), cases.map(([, grant]) => grant));
    const single = await Promise.all(cases.map(([, grant]) => assertStillAllowed(deps(), grant).then(() => true, () => false)));
    expect(cases.map(([name], i) => [name, confirmed.has(i)])).toEqual(cases.map(([name, , allowed]) => [name, allowed]));
    expect(single).toEqual(cases.map(([, , allowed]) => allowed));
  });

  it("answers a refused grant with the error the per-stream check throws", async () => {
    const grants = [await sessionGrant({ member: true }), await sessionGrant({}), await sessionGrant({ member: true, revoked: true }), await keyGrant({ member: true, scopes: ["tasks:read"] })];
    const errors = await recheckStreamAccess(deps(), grants);
    expect(errors.map((error) => (error instanceof TRPCError ? error.code : error))).toEqual([undefined, "NOT_FOUND", "UNAUTHORIZED", "FORBIDDEN"]);
  });
});
