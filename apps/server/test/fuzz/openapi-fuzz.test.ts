import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import committed from "../../../../packages/rest-client/openapi.json" with { type: "json" };
import { loginAdmin } from "../support/admin.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { responseValidator, type OpenApiDocument } from "../contract/validator.js";
import { caseArbitrary } from "./cases.js";
import { operationsOf, type FuzzDocument } from "./operations.js";
import { requestValidator } from "./request-validity.js";
import { materialize, send } from "./send.js";
import { failureClasses, newTally, problemsOf, table, type Failure, type Tally } from "./verdict.js";
import { World, type Identity } from "./world.js";

/**
 * Schema-driven fuzz of every operation in /openapi.json: FUZZ_RUNS generated requests (default 200) per operation
 * as a user and as an admin, and a quarter of that anonymously, mixing valid requests on real rows with hostile ones
 * (wrong types, boundaries, unicode, NUL, huge numbers, missing and extra fields, malformed and deep JSON, wrong
 * content types, non-UUID and unknown ids, bad credentials). Every answer must be below 500 and match the document
 * (status, content type and body, with the contract suite's Ajv validator); a secured operation never succeeds
 * without credentials; a request the document forbids never succeeds, and one it allows is never refused for its
 * shape (see verdict.ts). FUZZ_SEED (default below) makes a run reproducible; the seed is printed first and last.
 */

const DEFAULT_SEED = 20_261_121;
const positiveInteger = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return value;
};
const SEED = positiveInteger("FUZZ_SEED", DEFAULT_SEED);
const RUNS = positiveInteger("FUZZ_RUNS", 200);
const IDENTITIES: [Identity, number][] = [["user", RUNS], ["admin", RUNS], ["anonymous", Math.ceil(RUNS / 4)]];
const UNLIMITED = "1000000/1m";

const document = committed as unknown as FuzzDocument;
const operations = operationsOf(document);
const check = responseValidator(document as unknown as OpenApiDocument);
const judge = requestValidator(document);
const tallies = new Map<string, Tally>();
let server: TestServer;
let bootstrapToken: Promise<string>;

/** A per-operation, per-identity seed, so adding an operation does not change the cases of the others. */
function seedFor(operationId: string, identity: Identity): number {
  let hash = 0x811c9dc5 ^ SEED;
  for (const char of `${operationId}/${identity}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash | 0;
}

beforeAll(async () => {
  console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} (${process.env.DATABASE_URL ? "PostgreSQL" : "embedded database"})`);
  // Lifted limits: a fuzz that mostly meets 429 tests nothing; the rate-limit tests own those answers.
  server = await startTestServer({ RATE_LIMIT_LOGIN: UNLIMITED, RATE_LIMIT_REGISTER: UNLIMITED, RATE_LIMIT_REFRESH: UNLIMITED, RATE_LIMIT_REQUESTS: UNLIMITED });
  bootstrapToken = loginAdmin(server).then((tokens) => tokens.accessToken);
});

afterAll(async () => {
  const rows = operations.flatMap((op): [string, Tally][] => { const tally = tallies.get(op.operationId); return tally ? [[op.operationId, tally]] : []; });
  const total = rows.reduce((sum, [, tally]) => sum + tally.cases.user + tally.cases.admin + tally.cases.anonymous, 0);
  console.log(`fuzz: ${total} cases, FUZZ_SEED=${SEED}\n${table(rows)}`);
  await server?.close();
});

// Operations run a few at a time (vitest's maxConcurrency), each against its own world, so one operation's
// deletes and password changes never reach another's cases.
describe.concurrent("schema-driven fuzz of /openapi.json", () => {
  for (const op of operations) {
    // An import's body is an array of rows the job validates (a bad row fails the job with a per-row report, not the
    // request): the generator and verdicts here are built for object bodies judged at request time. Imports are
    // covered by test/jobs-import.test.ts (each refusal, every bad row reported, nothing created).
    const arrayBody = (op.body as { type?: unknown } | undefined)?.type === "array";
    it.skipIf(arrayBody)(`${op.method} ${op.path} (${op.operationId}) answers every generated request as documented, never 5xx${arrayBody ? " (skipped because its array body is validated row by row in the job: see jobs-import.test.ts)" : ""}`, async () => {
      const world = new World(server, () => bootstrapToken);
      const tally = newTally();
      tallies.set(op.operationId, tally);
      const failures: Failure[] = [];
      for (const [identity, runs] of IDENTITIES) {
        const cases = fc.sample(caseArbitrary(op, document.components), { seed: seedFor(op.operationId, identity), numRuns: runs });
        for (const fuzzCase of cases) {
          const request = await materialize(server.url, op, fuzzCase, world, identity);
          const answer = await send(request);
          const credentialed = fuzzCase.auth === "identity" && identity !== "anonymous";
          const { body, problems } = problemsOf(check, op, answer, credentialed, judge(op, fuzzCase, request));
          tally.cases[identity]++;
          tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
          if (problems.length) {
            tally.failures++;
            failures.push({ operationId: op.operationId, identity, fuzzCase, request, answer, problems });
          }
          await world.observe(op.operationId, identity, request.value, answer.status, body);
        }
      }
      expect(failureClasses(failures), `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`).toEqual([]);
    });
  }
});
