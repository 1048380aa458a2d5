import { and, eq, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { prepared, projectMembers, projects, rawRows, type Executor } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import { outputColumns } from "./output-columns.js";

export interface ProjectAccess {
  projectId: string;
  /** The caller's membership role, or null for an admin who is not a member. */
  role: "owner" | "member" | null;
  isAdmin: boolean;
}

export const projectNotFound = () => new TRPCError({ code: "NOT_FOUND", message: "Project not found" });

// Every project request asks it: its row is read as the driver returns it (see outputColumns), without drizzle's mapping.
const memberRole = prepared((db) =>
  db
    .select(outputColumns({ id: projects.id, role: projectMembers.role }))
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, sql.placeholder("userId"))))
    .where(eq(projects.id, sql.placeholder("projectId")))
    .prepare("project_member_role"),
);

/**
 * The caller's access to a project. A project the caller does not belong to answers 404 exactly like a missing
 * one, so existence never leaks; admins see everything.
 */
export async function projectAccess(db: Executor, identity: Identity, projectId: string): Promise<ProjectAccess> {
  const [row] = await rawRows<{ id: string; role: ProjectAccess["role"] }>(memberRole(db), { userId: identity.userId, projectId });
  const isAdmin = identity.role === "admin";
  if (!row || (row.role === null && !isAdmin)) throw projectNotFound();
  return { projectId, role: row.role, isAdmin };
}

/** Owners and admins only: 403 for plain members (who already know the project exists). */
export function requireOwner(access: ProjectAccess, action: string): void {
  if (!access.isAdmin && access.role !== "owner") {
    throw new TRPCError({ code: "FORBIDDEN", message: `Only project owners and admins may ${action}` });
  }
}

const lockedMembership = prepared((db) =>
  db
    .select({ userId: projectMembers.userId })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, sql.placeholder("projectId")), eq(projectMembers.userId, sql.placeholder("userId"))))
    .for("share")
    .prepare("project_membership_share"),
);

/**
 * Whether `userId` belongs to the project, holding a share lock on the membership until the transaction ends,
 * so a concurrent removal waits for (and then sees) whatever this transaction assigns to that member.
 */
export async function isMember(db: Executor, projectId: string, userId: string): Promise<boolean> {
  const [row] = await lockedMembership(db).execute({ projectId, userId });
  return row !== undefined;
}

/** Serialises membership changes of one project, so concurrent ones cannot lock member rows in opposite orders. */
export async function lockProject(tx: Executor, projectId: string): Promise<void> {
  await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for("update");
}
