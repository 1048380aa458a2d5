import type { responseValidator } from "../contract/validator.js";
import type { FuzzCase } from "./cases.js";
import type { FuzzOperation } from "./operations.js";
import type { Validity } from "./request-validity.js";
import type { Answer, SentRequest } from "./send.js";
import type { Identity } from "./world.js";

/**
 * What is wrong with an answer: a 5xx, an undocumented status, a body or content type the document does not allow,
 * a success on a secured operation for a caller without valid credentials, a success for a request the document
 * forbids, or a 400/415 for a request the document allows.
 */
export function problemsOf(check: ReturnType<typeof responseValidator>, op: FuzzOperation, answer: Answer, credentialed: boolean, validity: Validity): { body: unknown; problems: string[] } {
  const problems: string[] = [];
  let body: unknown;
  if (answer.text !== "") {
    try {
      body = JSON.parse(answer.text);
    } catch {
      problems.push(`body is not JSON: ${answer.text.slice(0, 80)}`);
    }
  }
  const success = answer.status >= 200 && answer.status < 300;
  if (answer.status >= 500) problems.push(`server error ${answer.status}`);
  if (op.secured && !credentialed && success) problems.push(`answered ${answer.status} to a caller without valid credentials`);
  if (validity.valid === false && success) problems.push(`accepted a request the document does not allow (${validity.reason})`);
  if (validity.valid === true && (answer.status === 415 || (answer.status === 400 && rejectsShape(body)))) {
    problems.push(`answered ${answer.status} to a request the document allows: ${summary(body)}`);
  }
  const documented = op.operation.responses[String(answer.status)]?.content?.["application/json"];
  if (documented && !answer.contentType?.startsWith("application/json")) problems.push(`content type ${answer.contentType ?? "(none)"} where the document says application/json`);
  problems.push(...check(op.operation, answer.status, body));
  return { body, problems };
}

/**
 * A 400 that refuses the request's shape rather than a rule about stored state (an assignee who is not a member,
 * a wrong current password): input validation, or a value the database cannot store. The document is generated
 * from the same input schemas, so such a refusal of a request the document allows means the two disagree.
 */
function rejectsShape(body: unknown): boolean {
  const message = (body as { message?: unknown } | undefined)?.message;
  return message === "Input validation failed" || (typeof message === "string" && message.startsWith("A value in the request cannot be stored"));
}

/** An error body in one stable line: its message and each issue's path and message. */
function summary(body: unknown): string {
  const { message, issues } = (body ?? {}) as { message?: unknown; issues?: { path?: unknown; message?: unknown }[] };
  const details = (issues ?? []).map((issue) => `${String(issue.path) || "(body)"}: ${String(issue.message)}`);
  return [String(message), ...details].join("; ");
}

export interface Failure {
  operationId: string;
  identity: Identity;
  fuzzCase: FuzzCase;
  request: SentRequest;
  answer: Answer;
  problems: string[];
}

/** Failures grouped by operation, kind of case, status and first problem (array indexes generalised). */
export function failureClasses(failures: Failure[]): string[] {
  const classes = new Map<string, { count: number; example: Failure }>();
  for (const failure of failures) {
    const key = `${failure.operationId}, ${failure.fuzzCase.mutation} -> ${failure.answer.status}: ${(failure.problems[0] ?? "").replace(/\/\d+/g, "/N")}`;
    const entry = classes.get(key);
    if (entry) entry.count++;
    else classes.set(key, { count: 1, example: failure });
  }
  return [...classes.entries()].map(([key, { count, example }]) => `${key} (${count}x)\n${describe(example)}`);
}

const clip = (text: string | undefined, length = 300) => (text === undefined ? "(none)" : text.length > length ? `${text.slice(0, length)}… (${text.length} chars)` : text);

function describe(failure: Failure): string {
  const { request, answer, fuzzCase } = failure;
  const auth = typeof fuzzCase.auth === "object" ? `, token signed with the real key but sub ${JSON.stringify(fuzzCase.auth.forgedSub)}` : fuzzCase.auth === "identity" ? "" : `, ${fuzzCase.auth} token`;
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${name === "authorization" ? clip(value, 24) : value}`)
    .join("; ");
  return [
    `    as ${failure.identity}${auth}: ${request.method} ${clip(request.url, 200)}`,
    `    headers: ${headers || "(none)"}`,
    `    body: ${clip(request.body)}`,
    `    answer: ${answer.status} ${answer.contentType ?? ""} ${clip(answer.text)}`,
    `    problems: ${failure.problems.join("; ")}`,
  ].join("\n");
}

export interface Tally {
  cases: Record<Identity, number>;
  statuses: Map<number, number>;
  failures: number;
}

export const newTally = (): Tally => ({ cases: { user: 0, admin: 0, anonymous: 0 }, statuses: new Map(), failures: 0 });

/** The compact per-operation table CI prints: cases per identity, status mix, failures. */
export function table(rows: [string, Tally][]): string {
  const header = ["operation", "user", "admin", "anon", "statuses", "failed"];
  const body = rows.map(([name, tally]) => [
    name,
    String(tally.cases.user),
    String(tally.cases.admin),
    String(tally.cases.anonymous),
    [...tally.statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}:${count}`).join(" "),
    String(tally.failures),
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => (row[column] ?? "").length)));
  return [header, ...body].map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()).join("\n");
}
