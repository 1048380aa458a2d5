import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, signUp, type UserJson } from "./support/auth.js";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "./support/server.js";

let server: TestServer;
let user: UserJson;
let sessionId: string;
let kid: string;

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

beforeAll(async () => {
  server = await startTestServer();
  const signedUp = await signUp(server);
  user = signedUp.user;
  const [header, payload] = signedUp.tokens.accessToken.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString()) as Record<string, string>);
  sessionId = payload?.sid ?? "";
  kid = header?.kid ?? "";
});
afterAll(() => server.close());

interface Forge {
  alg?: string;
  key?: Uint8Array;
  kid?: string;
  iss?: string;
  aud?: string;
  exp?: number | string;
  role?: string;
  sub?: string;
  sid?: string;
}

function forge(options: Forge = {}): Promise<string> {
  return new SignJWT({ role: options.role ?? "user", sid: options.sid ?? sessionId })
    .setProtectedHeader({ alg: options.alg ?? "HS256", kid: options.kid ?? kid })
    .setSubject(options.sub ?? user.id)
    .setIssuer(options.iss ?? "cadence")
    .setAudience(options.aud ?? "cadence-api")
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime(options.exp ?? "15m")
    .sign(options.key ?? secret);
}

const status = async (token: string) => (await server.rest("/users/me", bearer(token))).status;

describe("access token verification", () => {
  it("accepts a correctly forged token (the baseline the other cases vary)", async () => {
    expect(await status(await forge())).toBe(200);
  });

  it.each<[string, () => Promise<string>]>([
    ["alg none", async () => new UnsecuredJWT({ role: "user", sid: sessionId }).setSubject(user.id).setIssuer("cadence").setAudience("cadence-api").setExpirationTime("15m").encode()],
    ["another algorithm (HS512, same secret)", () => forge({ alg: "HS512" })],
    ["another key", () => forge({ key: new TextEncoder().encode("a-completely-different-secret-of-32-bytes") })],
    ["an unknown kid", () => forge({ kid: "nobody" })],
    ["a wrong issuer", () => forge({ iss: "someone-else" })],
    ["a wrong audience", () => forge({ aud: "another-api" })],
    ["an expired token", () => forge({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ["a tampered payload", async () => {
      const [h, , s] = (await forge()).split(".");
      const payload = Buffer.from(JSON.stringify({ sub: user.id, sid: sessionId, role: "admin", iss: "cadence", aud: "cadence-api", exp: 9999999999, iat: 1, jti: "x" })).toString("base64url");
      return `${h}.${payload}.${s}`;
    }],
    ["a user that does not exist", () => forge({ sub: "00000000-0000-4000-8000-000000000000" })],
    ["a subject that is not a UUID", () => forge({ sub: "not-a-uuid" })],
    ["a session id that is not a UUID", () => forge({ sid: "not-a-uuid" })],
    ["garbage", async () => "not.a.jwt"],
  ])("refuses %s with 401", async (_case, make) => {
    const res = await server.rest("/users/me", bearer(await make()));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("UNAUTHORIZED");
  });

  it.each([
    ["a scheme other than Bearer", "Basic dXNlcjpwYXNz"],
    ["an empty bearer", "Bearer "],
  ])("refuses %s with 401", async (_case, header) => {
    expect((await server.rest("/users/me", { headers: { authorization: header } })).status).toBe(401);
  });

  it("decides with the role in the database, not the role claim", async () => {
    const claimsAdmin = await forge({ role: "admin" });
    expect(await status(claimsAdmin)).toBe(200);
    expect((await server.rest("/users", bearer(claimsAdmin))).status).toBe(403);
  });

  it("rejects tampered tokens over tRPC too", async () => {
    await expect(server.trpc(await forge({ iss: "evil" })).users.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });
});

describe("key rotation with JWT_KEYS", () => {
  const oldKey = "old-secret-with-at-least-thirty-two-bytes!";
  const newKey = "new-secret-with-at-least-thirty-two-bytes!";

  it("verifies tokens of every configured key and signs with the newest", async () => {
    const before = await startTestServer({ JWT_SECRET: "", JWT_KEYS: `k1:${oldKey}` });
    try {
      const { tokens } = await signUp(before);
      expect(JSON.parse(Buffer.from(tokens.accessToken.split(".")[0] ?? "", "base64url").toString())).toMatchObject({ kid: "k1" });
    } finally {
      await before.close();
    }

    const rotated = await startTestServer({ JWT_SECRET: "", JWT_KEYS: `k1:${oldKey},k2:${newKey}` });
    try {
      const { tokens, user: rotatedUser } = await signUp(rotated);
      const header = JSON.parse(Buffer.from(tokens.accessToken.split(".")[0] ?? "", "base64url").toString()) as { kid: string };
      expect(header.kid).toBe("k2");
      const payload = JSON.parse(Buffer.from(tokens.accessToken.split(".")[1] ?? "", "base64url").toString()) as { sid: string };
      const signedWithOld = await new SignJWT({ role: "user", sid: payload.sid })
        .setProtectedHeader({ alg: "HS256", kid: "k1" })
        .setSubject(rotatedUser.id)
        .setIssuer("cadence")
        .setAudience("cadence-api")
        .setJti(crypto.randomUUID())
        .setIssuedAt()
        .setExpirationTime("15m")
        .sign(new TextEncoder().encode(oldKey));
      expect((await rotated.rest("/users/me", bearer(signedWithOld))).status).toBe(200);
    } finally {
      await rotated.close();
    }
  });
});
