import type { Seed } from "./seed.js";
import type { ServerKey } from "./servers.js";

/** The data a row's request needs: the PostgreSQL seed, and the token of the user on the embedded database. */
export interface SeedData {
  pg?: Seed;
  pgliteToken?: string;
}

export interface Row {
  key: string;
  label: string;
  server: ServerKey;
  /** Which seed the request needs ("pg" is made through the Cadence server on PostgreSQL). */
  seed?: "pg" | "pglite";
  /** The row whose req/s fills the "× twin" column. */
  twin?: string;
  /** For twin rows: the Cadence row whose REST answer must equal the twin's, checked before any load. */
  sameBodyAs?: string;
  method: "GET" | "POST";
  path(seed: SeedData): string;
  body?(seed: SeedData): string;
  expectStatus: number;
}

const LIST_QUERY = "perPage=20&status=pending&sort=dueDate&order=asc";
const TASK_TITLE = "Bench task";

function pg(seed: SeedData): Seed {
  if (!seed.pg) throw new Error("row needs the PostgreSQL seed");
  return seed.pg;
}

const get = (path: (seed: SeedData) => string) => ({ method: "GET" as const, path, expectStatus: 200 });
/** REST creates answer 201; tRPC answers every success with 200. */
const post = (path: (seed: SeedData) => string, body: (seed: SeedData) => unknown, expectStatus = 201) => ({
  method: "POST" as const,
  path,
  body: (seed: SeedData) => JSON.stringify(body(seed)),
  expectStatus,
});
const createBody = () => ({ title: TASK_TITLE });
const tasksOf = (seed: SeedData) => `/api/v1/projects/${pg(seed).writeProjectId}/tasks`;

export const RAW = "raw";

/** Every row of the table, in the order a round runs them. */
export const ROWS: Row[] = [
  { key: RAW, label: 'raw node:http, `{"status":"ok"}`', server: "raw", ...get(() => "/") },
  { key: "fastify", label: "Fastify 5, same", server: "twin", ...get(() => "/health") },
  { key: "twin-me", label: "twin users.me: JWT + session, user", server: "twin", seed: "pg", sameBodyAs: "me-rest", ...get(() => "/api/v1/users/me") },
  { key: "health-rest", label: "`GET /api/v1/health`", server: "cadence", twin: "fastify", ...get(() => "/api/v1/health") },
  { key: "health-trpc", label: "`GET /trpc/health.live`", server: "cadence", twin: "fastify", ...get(() => "/trpc/health.live") },
  { key: "me-rest", label: "`GET /api/v1/users/me`", server: "cadence", seed: "pg", twin: "twin-me", ...get(() => "/api/v1/users/me") },
  {
    key: "me-rest-quiet",
    label: "`GET /api/v1/users/me`, access log and metrics off",
    server: "cadenceQuiet",
    seed: "pg",
    twin: "twin-me",
    ...get(() => "/api/v1/users/me"),
  },
  { key: "me-trpc", label: "`GET /trpc/users.me`", server: "cadence", seed: "pg", twin: "twin-me", ...get(() => "/trpc/users.me") },
  {
    key: "me-trpc-pg-limits",
    label: "`GET /trpc/users.me`, rate limits on the PostgreSQL store",
    server: "cadencePgLimits",
    seed: "pg",
    twin: "twin-me",
    ...get(() => "/trpc/users.me"),
  },
  {
    key: "list-rest",
    label: `\`GET /api/v1/projects/{id}/tasks?${LIST_QUERY}\``,
    server: "cadence",
    seed: "pg",
    twin: "twin-list",
    ...get((seed) => `/api/v1/projects/${pg(seed).listProjectId}/tasks?${LIST_QUERY}`),
  },
  {
    key: "twin-list",
    label: "twin task list: same SQL",
    server: "twin",
    seed: "pg",
    sameBodyAs: "list-rest",
    ...get((seed) => `/api/v1/projects/${pg(seed).listProjectId}/tasks?${LIST_QUERY}`),
  },
  { key: "create-rest", label: "`POST /api/v1/projects/{id}/tasks`", server: "cadence", seed: "pg", twin: "twin-create", ...post(tasksOf, createBody) },
  {
    key: "create-trpc",
    label: "`POST /trpc/tasks.create`",
    server: "cadence",
    seed: "pg",
    twin: "twin-create",
    ...post(() => "/trpc/tasks.create", (seed) => ({ projectId: pg(seed).writeProjectId, title: TASK_TITLE }), 200),
  },
  { key: "twin-create", label: "twin task create: same SQL, one transaction", server: "twin", seed: "pg", ...post(tasksOf, createBody) },
  { key: "pglite-me", label: "embedded PGlite: `GET /trpc/users.me`", server: "cadencePglite", seed: "pglite", twin: "twin-me", ...get(() => "/trpc/users.me") },
];

/** Rows matching any filter, plus the baselines they are compared against (raw, and their twin). */
export function selectRows(filters: string[]): Row[] {
  if (filters.length === 0) return ROWS;
  const wanted = new Set<string>();
  for (const row of ROWS) {
    if (!filters.some((filter) => row.key.includes(filter) || row.label.toLowerCase().includes(filter))) continue;
    wanted.add(row.key).add(RAW);
    if (row.twin) wanted.add(row.twin);
  }
  if (wanted.size === 0) throw new Error(`--only matched no row; rows: ${ROWS.map((row) => row.key).join(", ")}`);
  return ROWS.filter((row) => wanted.has(row.key));
}

/** The token a row authenticates with, if it needs one. */
export function tokenFor(row: Row, seed: SeedData): string | undefined {
  if (row.seed === "pg") return pg(seed).token;
  if (row.seed === "pglite") return seed.pgliteToken;
  return undefined;
}
