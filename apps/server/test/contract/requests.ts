import { SCOPES } from "@cadence/api";
import type { TestServer } from "../support/server.js";
import { createApiKey, json, login, signUp, type TokenPair } from "../support/auth.js";
import { pollJob, type JobJson } from "../support/jobs.js";
import { addMember, createProject, createTask } from "../support/domain.js";
import { loginAdmin } from "../support/admin.js";

/** One REST call, described the way openapi-fetch takes it. */
export interface Call {
  token?: string;
  path?: Record<string, string>;
  query?: Record<string, string | number>;
  /** A JSON object, or an array where the operation takes one (an import). */
  body?: Record<string, unknown> | unknown[];
  headers?: Record<string, string>;
}

export interface Person {
  id: string;
  username: string;
  password: string;
  tokens: TokenPair;
}

/** Builds fixtures on the server: every call gets fresh ones, so cases never depend on each other. */
export function fixtures(server: TestServer) {
  const person = async (): Promise<Person> => {
    const { user, password, tokens } = await signUp(server);
    return { id: user.id, username: user.username, password, tokens };
  };
  const project = async (owner: Person) => (await createProject(server, owner.tokens.accessToken)).id;
  const team = async () => {
    const owner = await person();
    const member = await person();
    const projectId = await project(owner);
    await addMember(server, owner.tokens.accessToken, projectId, member.id);
    return { owner, member, projectId };
  };
  return {
    person,
    project,
    team,
    admin: () => loginAdmin(server),
    task: async (owner: Person, projectId: string) => createTask(server, owner.tokens.accessToken, projectId),
    apiKey: (owner: Person, scopes: string[]) => createApiKey(server, owner.tokens.accessToken, { scopes }),
    relogin: (p: Person) => login(server, p.username, p.password),
    /** A JSON export of a new project of `owner`, finished (its result is a JSON document). */
    finishedExport: async (owner: Person) => {
      const projectId = await project(owner);
      const res = await server.rest(`/projects/${projectId}/exports`, json("POST", { format: "json" }, owner.tokens.accessToken));
      return pollJob(server, owner.tokens.accessToken, ((await res.json()) as JobJson).id);
    },
  };
}
export type Fixtures = ReturnType<typeof fixtures>;

const full = { title: "Replaced", description: null, status: "completed", priority: "low", dueDate: null, assigneeId: null, tags: [] };

/** A request that succeeds, per operation, plus the scope an API key needs for it (null: keys are refused). */
export const valid: Record<string, { scope: string | null | "none"; make: (fx: Fixtures) => Promise<Call> }> = {
  "health-live": { scope: "none", make: async () => ({}) },
  "health-ready": { scope: "none", make: async () => ({}) },
  "auth-register": {
    scope: "none",
    make: async () => {
      const username = `c_${Math.random().toString(36).slice(2, 10)}`;
      return { body: { email: `${username}@example.com`, username, password: "password-123" } };
    },
  },
  "auth-login": { scope: "none", make: async (fx) => { const p = await fx.person(); return { body: { username: p.username, password: p.password } }; } },
  "auth-refresh": { scope: "none", make: async (fx) => ({ body: { refreshToken: (await fx.person()).tokens.refreshToken } }) },
  "auth-logout": { scope: "none", make: async (fx) => ({ body: { refreshToken: (await fx.person()).tokens.refreshToken } }) },
  "users-me": { scope: "none", make: async (fx) => ({ token: (await fx.person()).tokens.accessToken }) },
  "users-updateMe": { scope: null, make: async (fx) => ({ token: (await fx.person()).tokens.accessToken, body: { name: "Renamed" } }) },
  "users-changePassword": {
    scope: null,
    make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, body: { currentPassword: p.password, newPassword: "another-password" } }; },
  },
  "users-list": { scope: null, make: async (fx) => ({ token: (await fx.admin()).accessToken, query: { perPage: 5 } }) },
  "users-get": { scope: null, make: async (fx) => ({ token: (await fx.admin()).accessToken, path: { id: (await fx.person()).id } }) },
  "users-update": { scope: null, make: async (fx) => ({ token: (await fx.admin()).accessToken, path: { id: (await fx.person()).id }, body: { disabled: true } }) },
  "apiKeys-create": { scope: null, make: async (fx) => ({ token: (await fx.person()).tokens.accessToken, body: { name: "ci", scopes: ["tasks:read"] } }) },
  "apiKeys-list": { scope: null, make: async (fx) => ({ token: (await fx.person()).tokens.accessToken }) },
  "apiKeys-revoke": {
    scope: null,
    make: async (fx) => {
      const p = await fx.person();
      return { token: p.tokens.accessToken, path: { id: (await fx.apiKey(p, ["tasks:read"])).id } };
    },
  },
  "projects-create": { scope: "projects:write", make: async (fx) => ({ token: (await fx.person()).tokens.accessToken, body: { name: "Contract" } }) },
  "projects-list": { scope: "projects:read", make: async (fx) => ({ token: (await fx.person()).tokens.accessToken, query: { page: 1 } }) },
  "projects-get": { scope: "projects:read", make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, path: { id: await fx.project(p) } }; } },
  "projects-update": {
    scope: "projects:write",
    make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, path: { id: await fx.project(p) }, body: { name: "Renamed" } }; },
  },
  "projects-delete": { scope: "projects:write", make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, path: { id: await fx.project(p) } }; } },
  "projects-events": { scope: "projects:read", make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, path: { projectId: await fx.project(p) } }; } },
  "projects-members-list": { scope: "projects:read", make: async (fx) => { const t = await fx.team(); return { token: t.owner.tokens.accessToken, path: { id: t.projectId } }; } },
  "projects-members-add": {
    scope: "projects:write",
    make: async (fx) => { const t = await fx.team(); const other = await fx.person(); return { token: t.owner.tokens.accessToken, path: { id: t.projectId }, body: { userId: other.id, role: "member" } }; },
  },
  "projects-members-update": {
    scope: "projects:write",
    make: async (fx) => { const t = await fx.team(); return { token: t.owner.tokens.accessToken, path: { id: t.projectId, userId: t.member.id }, body: { role: "owner" } }; },
  },
  "projects-members-remove": {
    scope: "projects:write",
    make: async (fx) => { const t = await fx.team(); return { token: t.owner.tokens.accessToken, path: { id: t.projectId, userId: t.member.id } }; },
  },
  "tasks-create": { scope: "tasks:write", make: async (fx) => { const t = await fx.team(); return { token: t.member.tokens.accessToken, path: { projectId: t.projectId }, body: { title: "Contract" } }; } },
  "tasks-list": { scope: "tasks:read", make: async (fx) => { const t = await fx.team(); await fx.task(t.owner, t.projectId); return { token: t.member.tokens.accessToken, path: { projectId: t.projectId }, query: { sort: "title" } }; } },
  "tasks-listMine": { scope: "tasks:read", make: async (fx) => ({ token: (await fx.person()).tokens.accessToken, query: { assigneeId: "me" } }) },
  "tasks-get": { scope: "tasks:read", make: async (fx) => { const t = await fx.team(); return { token: t.member.tokens.accessToken, path: { id: (await fx.task(t.owner, t.projectId)).id } }; } },
  "tasks-replace": { scope: "tasks:write", make: async (fx) => { const t = await fx.team(); return { token: t.member.tokens.accessToken, path: { id: (await fx.task(t.owner, t.projectId)).id }, body: { ...full } }; } },
  "tasks-update": { scope: "tasks:write", make: async (fx) => { const t = await fx.team(); return { token: t.member.tokens.accessToken, path: { id: (await fx.task(t.owner, t.projectId)).id }, body: { status: "in_progress" } }; } },
  "tasks-delete": { scope: "tasks:write", make: async (fx) => { const t = await fx.team(); return { token: t.owner.tokens.accessToken, path: { id: (await fx.task(t.member, t.projectId)).id } }; } },
  "projects-export": { scope: "projects:read", make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, path: { projectId: await fx.project(p) }, body: { format: "csv" } }; } },
  "projects-import": { scope: "tasks:write", make: async (fx) => { const t = await fx.team(); return { token: t.member.tokens.accessToken, path: { projectId: t.projectId }, body: [{ title: "Imported" }] }; } },
  "jobs-get": { scope: "projects:read", make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, path: { jobId: (await fx.finishedExport(p)).id } }; } },
  "jobs-result": { scope: "projects:read", make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, path: { jobId: (await fx.finishedExport(p)).id } }; } },
  "audit-list": { scope: "projects:read", make: async (fx) => { const p = await fx.person(); return { token: p.tokens.accessToken, query: { projectId: await fx.project(p) } }; } },
};

/** A key of the same owner that lacks the needed scope (or any key, where keys are refused altogether). */
export function scopesWithout(scope: string | null): string[] {
  return SCOPES.filter((candidate) => candidate !== scope);
}
