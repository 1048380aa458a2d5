import { and, eq, isNotNull, or, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { apiKeys, prepared, projectMembers, projects, sessions, users, type Database } from "@cadence/db";
import type { AuthConfig } from "../config.js";
import { liveApiKeyRules, liveSessionRules, resolveIdentity, type Identity } from "../auth/identity.js";
import { verifyAccessToken } from "../auth/tokens.js";
import { projectAccess } from "./access.js";

/** What an open stream was granted on: its credential (as sent), the identity it resolved to, the project. */
export interface StreamGrant {
  authorization: string | undefined;
  identity: Identity;
  projectId: string;
}

type Deps = { db: Database; auth: AuthConfig };

/** The caller may still read the project: a live session or key with the scope, an enabled user, membership. */
export async function assertStillAllowed(deps: Deps, grant: StreamGrant): Promise<void> {
  const result = await resolveIdentity(deps.db, deps.auth, grant.authorization);
  if (result.status !== "ok") throw new TRPCError({ code: "UNAUTHORIZED", message: "The session or API key is no longer valid" });
  const identity = result.identity;
  if (identity.kind === "api_key" && !identity.scopes.includes("projects:read")) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This API key lacks the projects:read scope" });
  }
  await projectAccess(deps.db, identity, grant.projectId);
}

/**
 * Which of many grants still hold, in one statement: the same rules as {@link assertStillAllowed} (the session and
 * key rules are identity's own), over a JSON array of (i, session or key id, user id, project id) rows.
 */
const stillAllowed = prepared((db) =>
  db
    .select({ i: sql<number>`k.i` })
    .from(
      sql`jsonb_to_recordset(${sql.placeholder("grants")}::text::jsonb) as k(i int, session_id uuid, api_key_id uuid, user_id uuid, project_id uuid)`,
    )
    .innerJoin(users, eq(users.id, sql`k.user_id`))
    .innerJoin(projects, eq(projects.id, sql`k.project_id`))
    .leftJoin(sessions, and(eq(sessions.id, sql`k.session_id`), eq(sessions.userId, users.id), ...liveSessionRules()))
    .leftJoin(
      apiKeys,
      and(eq(apiKeys.id, sql`k.api_key_id`), eq(apiKeys.userId, users.id), ...liveApiKeyRules(), sql`'projects:read' = any(${apiKeys.scopes})`),
    )
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, users.id)))
    .where(and(or(isNotNull(sessions.id), isNotNull(apiKeys.id)), or(eq(users.role, "admin"), isNotNull(projectMembers.userId))))
    .prepare("stream_access_batch"),
);

/**
 * The grants that still hold, by index, decided by one statement (plus the token cache for access tokens): the
 * same rules as {@link assertStillAllowed}, so a grant it leaves out is one that check would refuse.
 */
export async function confirmedGrants(deps: Deps, grants: readonly StreamGrant[]): Promise<Set<number>> {
  const rows: { i: number; session_id: string | null; api_key_id: string | null; user_id: string; project_id: string }[] = [];
  for (const [i, { authorization, identity, projectId }] of grants.entries()) {
    if (identity.kind === "user") {
      // resolveIdentity's rule: the token must still verify (it expires) and name this session.
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
      const claims = token === undefined ? null : await verifyAccessToken(deps.auth, token);
      if (claims?.sessionId !== identity.sessionId || claims.userId !== identity.userId) continue;
    }
    const credential = identity.kind === "user" ? { session_id: identity.sessionId, api_key_id: null } : { session_id: null, api_key_id: identity.apiKeyId };
    rows.push({ i, ...credential, user_id: identity.userId, project_id: projectId });
  }
  if (rows.length === 0) return new Set();
  const found = await stillAllowed(deps.db).execute({ grants: JSON.stringify(rows) });
  return new Set(found.map(({ i }) => Number(i)));
}

/**
 * Re-checks every open stream's grant at once: {@link confirmedGrants}, then — only for the few it did not confirm —
 * the per-grant check, whose error (401, 403 or 404) ends those streams exactly as before. Returns, per grant,
 * undefined (still allowed) or the error to end its streams with; a failed statement rejects.
 */
export async function recheckStreamAccess(deps: Deps, grants: readonly StreamGrant[]): Promise<(unknown | undefined)[]> {
  const allowed = await confirmedGrants(deps, grants);
  return Promise.all(
    grants.map(async (grant, i) => {
      if (allowed.has(i)) return undefined;
      try {
        await assertStillAllowed(deps, grant);
        return undefined;
      } catch (error) {
        return error;
      }
    }),
  );
}
