// The Fastify twin: what a lean, idiomatic stack (fastify + postgres.js + jose) pays for the work Cadence does on the
// same rows. `/health` is the "Fastify, same" floor; the /api/v1 routes mirror Cadence's paths and SQL (twin-sql.ts).
import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import { jwtVerify } from "jose";
import { connect, createTask, liveSessionUser, memberRole, SORT_COLUMNS, taskPage, type Sql, type TaskListQuery } from "./twin-sql.js";

const env = process.env;
const secret = new TextEncoder().encode(env.JWT_SECRET);
const verifyOptions = {
  algorithms: ["HS256"],
  issuer: env.JWT_ISSUER ?? "cadence",
  audience: env.JWT_AUDIENCE ?? "cadence-api",
  requiredClaims: ["sub", "sid", "exp", "iat", "jti"],
};
const sql: Sql = connect(env.DATABASE_URL ?? "");

/**
 * identity.ts: a valid HS256 access token whose session is live and whose user is enabled, as the user's public row
 * (one query); null otherwise.
 */
async function identify(authorization: string | undefined) {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!token) return null;
  const claims = await jwtVerify(token, secret, verifyOptions).then(
    ({ payload }) => payload,
    () => null,
  );
  if (typeof claims?.sub !== "string" || typeof claims.sid !== "string") return null;
  return (await liveSessionUser(sql, claims.sub, claims.sid)) ?? null;
}

const unauthorized = { code: "UNAUTHORIZED", message: "Invalid or expired access token" };
const notFound = { code: "NOT_FOUND", message: "Project not found" };
const uuid = { type: "string", format: "uuid" };
const projectParams = { type: "object", properties: { projectId: uuid }, required: ["projectId"] };

const app = Fastify({ logger: false });

app.get("/health", async () => ({ status: "ok" }));

app.get("/api/v1/users/me", async (request, reply) => {
  return (await identify(request.headers.authorization)) ?? reply.code(401).send(unauthorized);
});

app.get<{ Params: { projectId: string }; Querystring: Omit<TaskListQuery, "projectId"> }>(
  "/api/v1/projects/:projectId/tasks",
  {
    schema: {
      params: projectParams,
      querystring: {
        type: "object",
        additionalProperties: false,
        properties: {
          status: { enum: ["pending", "in_progress", "completed"] },
          sort: { enum: Object.keys(SORT_COLUMNS), default: "createdAt" },
          order: { enum: ["asc", "desc"], default: "desc" },
          page: { type: "integer", minimum: 1, default: 1 },
          perPage: { type: "integer", minimum: 1, maximum: 100, default: 20 },
        },
      },
    },
  },
  async (request, reply) => {
    const identity = await identify(request.headers.authorization);
    if (!identity) return reply.code(401).send(unauthorized);
    const role = await memberRole(sql, identity.id as string, request.params.projectId);
    if (role === undefined || role === null) return reply.code(404).send(notFound);
    return taskPage(sql, { ...request.query, projectId: request.params.projectId });
  },
);

app.post<{ Params: { projectId: string }; Body: { title: string } }>(
  "/api/v1/projects/:projectId/tasks",
  {
    schema: {
      params: projectParams,
      body: { type: "object", additionalProperties: false, properties: { title: { type: "string", minLength: 1, maxLength: 200 } }, required: ["title"] },
    },
  },
  async (request, reply) => {
    const identity = await identify(request.headers.authorization);
    if (!identity) return reply.code(401).send(unauthorized);
    const task = await createTask(sql, {
      projectId: request.params.projectId,
      title: request.body.title,
      status: "pending",
      priority: "medium",
      tags: [],
      createdBy: identity.id as string,
      requestId: randomUUID(),
    });
    return task ? reply.code(201).send(task) : reply.code(404).send(notFound);
  },
);

await app.listen({ port: Number(env.PORT), host: "127.0.0.1" });
