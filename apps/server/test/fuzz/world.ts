import { bearer, json, login, register, uniqueName, type TokenPair } from "../support/auth.js";
import type { TestServer } from "../support/server.js";

/** Who sends a fuzz case: a signed-in user, a signed-in admin, or nobody. */
export type Identity = "user" | "admin" | "anonymous";

/** A real value of the server's state, looked up when a case is sent so that a fraction of cases hit real rows. */
export type RealKind = "self" | "member" | "outsider" | "project" | "task" | "taskVersion" | "apiKey" | "refreshToken" | "password" | "loginUsername" | "loginPassword";

export class Real {
  constructor(readonly kind: RealKind) {}
}

interface Account {
  id: string;
  username: string;
  password: string;
  /** Only the accounts that send requests (user, admin) sign in. */
  tokens?: TokenPair;
}

function accessToken(account: Account): string {
  if (!account.tokens) throw new Error(`fuzz setup: ${account.username} has no session`);
  return account.tokens.accessToken;
}

async function expectOk<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`fuzz setup: ${what} answered ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * The state one operation is fuzzed against: a user who owns a project with a member and a task, an admin, API
 * keys, a refresh-token session. Everything is created lazily and re-created after a case deletes or disables it,
 * so cases keep reaching real rows; accounts are re-signed-in after a case revokes their sessions.
 */
export class World {
  private accounts = new Map<"user" | "admin" | "member" | "outsider", Promise<Account>>();
  private resources = new Map<string, Promise<string>>();

  constructor(
    private readonly server: TestServer,
    private readonly bootstrapAdmin: () => Promise<string>,
  ) {}

  /** The bearer token the identity sends (undefined: anonymous). */
  async token(identity: Identity): Promise<string | undefined> {
    return identity === "anonymous" ? undefined : accessToken(await this.account(identity));
  }

  /** A token signed with the server's real key and the user's session, but with `sub` set to `sub`. */
  async forgeryBase(): Promise<{ kid: string; sid: string }> {
    const token = accessToken(await this.account("user"));
    const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString()) as Record<string, string>);
    return { kid: header?.kid ?? "", sid: payload?.sid ?? "" };
  }

  async resolve(kind: RealKind, identity: Identity): Promise<string | number> {
    const caller = identity === "admin" ? "admin" : "user";
    switch (kind) {
      case "self":
        return (await this.account(caller)).id;
      case "member":
        await this.resource("project");
        return (await this.account("member")).id;
      case "outsider":
        return (await this.account("outsider")).id;
      case "project":
      case "task":
        return this.resource(kind);
      case "taskVersion": {
        const owner = accessToken(await this.account("user"));
        const task = await expectOk<{ version: number }>(await this.server.rest(`/tasks/${await this.resource("task")}`, bearer(owner)), "get task");
        return task.version;
      }
      case "apiKey":
        return this.resource(`apiKey:${caller}`);
      case "refreshToken":
        return this.resource("refreshToken");
      case "password":
        return (await this.account(caller)).password;
      case "loginUsername":
        return (await this.account("user")).username;
      case "loginPassword":
        return (await this.account("user")).password;
    }
  }

  /** Keeps the world usable after a case changed it: called with every response. */
  async observe(operationId: string, identity: Identity, sent: unknown, status: number, body: unknown): Promise<void> {
    const caller = identity === "admin" ? "admin" : "user";
    const ok = status >= 200 && status < 300;
    if (operationId === "users-changePassword" && ok) {
      const account = await this.account(caller);
      const newPassword = (sent as { newPassword: string }).newPassword;
      this.accounts.set(caller, this.signIn(account.id, account.username, newPassword));
    } else if (status === 401 && identity !== "anonymous" && !operationId.startsWith("auth-")) {
      const account = await this.account(caller);
      if (!(await this.server.rest("/users/me", bearer(accessToken(account)))).ok) this.accounts.set(caller, this.signIn(account.id, account.username, account.password));
    }
    if (operationId === "auth-refresh" || operationId === "auth-logout") {
      const ours = (sent as { refreshToken?: unknown } | undefined)?.refreshToken === (await this.resources.get("refreshToken"));
      if (operationId === "auth-refresh" && ok) this.resources.set("refreshToken", Promise.resolve((body as TokenPair).refreshToken));
      else if (ours && (ok || status === 401)) this.resources.delete("refreshToken");
    }
    if (operationId === "users-update" && ok) await this.restoreMember();
    if (operationId === "projects-members-add" && ok) this.accounts.delete("outsider");
    if (ok && ["projects-delete", "projects-members-update", "projects-members-remove", "tasks-delete"].includes(operationId)) {
      this.resources.delete("project");
      this.resources.delete("task");
    }
    if (operationId === "apiKeys-revoke" && ok) this.resources.delete(`apiKey:${caller}`);
  }

  private account(role: "user" | "admin" | "member" | "outsider"): Promise<Account> {
    let account = this.accounts.get(role);
    if (!account) {
      account = this.createAccount(role);
      this.accounts.set(role, account);
    }
    return account;
  }

  private async createAccount(role: "user" | "admin" | "member" | "outsider"): Promise<Account> {
    const { user, password } = await register(this.server, { username: uniqueName(`fz${role}`) });
    if (role === "admin") {
      await expectOk(await this.server.rest(`/users/${user.id}`, json("PATCH", { role: "admin" }, await this.bootstrapAdmin())), "promote admin");
    }
    // The member and the outsider never send requests: they need no session (and no password hashing to get one).
    if (role === "member" || role === "outsider") return { id: user.id, username: user.username, password };
    return this.signIn(user.id, user.username, password);
  }

  private async signIn(id: string, username: string, password: string): Promise<Account> {
    return { id, username, password, tokens: await login(this.server, username, password) };
  }

  private resource(key: string): Promise<string> {
    let value = this.resources.get(key);
    if (!value) {
      value = this.createResource(key);
      this.resources.set(key, value);
    }
    return value;
  }

  private async createResource(key: string): Promise<string> {
    const user = await this.account("user");
    const token = accessToken(user);
    if (key === "project") {
      const project = await expectOk<{ id: string }>(await this.server.rest("/projects", json("POST", { name: "Fuzzed" }, token)), "create project");
      const member = await this.account("member");
      await expectOk(await this.server.rest(`/projects/${project.id}/members`, json("POST", { userId: member.id, role: "member" }, token)), "add member");
      return project.id;
    }
    if (key === "task") {
      const projectId = await this.resource("project");
      return (await expectOk<{ id: string }>(await this.server.rest(`/projects/${projectId}/tasks`, json("POST", { title: "Fuzzed", tags: ["fuzz"] }, token)), "create task")).id;
    }
    if (key === "refreshToken") return (await login(this.server, user.username, user.password)).refreshToken;
    const owner = await this.account(key === "apiKey:admin" ? "admin" : "user");
    const body = { name: "fuzz", scopes: ["projects:read", "tasks:read"] };
    return (await expectOk<{ id: string }>(await this.server.rest("/api-keys", json("POST", body, accessToken(owner))), "create api key")).id;
  }

  /** Undoes what an admin's update may have done to the member: enabled again, role user. */
  private async restoreMember(): Promise<void> {
    const member = await this.account("member");
    await expectOk(await this.server.rest(`/users/${member.id}`, json("PATCH", { disabled: false, role: "user" }, await this.bootstrapAdmin())), "restore member");
  }
}
