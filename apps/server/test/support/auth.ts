import { randomBytes } from "node:crypto";
import type { TestServer } from "./server.js";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: "Bearer";
  expiresIn: number;
}

export interface UserJson {
  id: string;
  email: string;
  username: string;
  name: string | null;
  role: "user" | "admin";
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A POST/PATCH/PUT init with a JSON body and optional bearer token. */
export function json(method: string, body: unknown, token?: string): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  };
}

export function bearer(token: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } };
}

export function uniqueName(base = "user"): string {
  return `${base}_${randomBytes(4).toString("hex")}`;
}

export async function register(server: TestServer, overrides: Partial<{ email: string; username: string; password: string; name: string }> = {}) {
  const username = overrides.username ?? uniqueName();
  const password = overrides.password ?? "correct-horse-battery";
  const res = await server.rest("/auth/register", json("POST", { email: `${username}@example.com`, username, password, ...overrides }));
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return { user: (await res.json()) as UserJson, password };
}

export async function login(server: TestServer, username: string, password: string): Promise<TokenPair> {
  const res = await server.rest("/auth/login", json("POST", { username, password }));
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as TokenPair;
}

/** Registers a fresh user and logs in. */
export async function signUp(server: TestServer, overrides: Parameters<typeof register>[1] = {}) {
  const { user, password } = await register(server, overrides);
  const tokens = await login(server, user.username, password);
  return { user, password, tokens };
}

export async function createApiKey(server: TestServer, accessToken: string, body: { name?: string; scopes: string[]; expiresAt?: string }) {
  const res = await server.rest("/api-keys", json("POST", { name: "test key", ...body }, accessToken));
  if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; key: string; prefix: string; scopes: string[] };
}
