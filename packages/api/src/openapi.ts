import type { OpenAPIObject } from "trpc-to-openapi";
import { generateOpenApiDocument } from "trpc-to-openapi";
import { successStatusOf, type Meta } from "./meta.js";
import { describeRequestBodies, type RoutedInput } from "./openapi-bodies.js";
import { addCommonErrorResponses, addErrorSchemas } from "./openapi-errors.js";
import { addEventStreams } from "./openapi-streams.js";
import { addHttpSemantics } from "./openapi-http.js";
import { describeFileResponses, describeRawBodies } from "./openapi-files.js";
import { appRouter } from "./root.js";

type Operation = { responses?: Record<string, unknown> } & Record<string, unknown>;

/** Procedures by their dotted path ("health.ready"), as tRPC flattens them at runtime. */
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta; inputs?: unknown[] } } | undefined>;

function procedureMetas(): Meta[] {
  return Object.values(procedures).map((procedure) => procedure?._def.meta ?? {});
}

function routedInputs(): RoutedInput[] {
  return Object.values(procedures).flatMap((procedure) => {
    const route = procedure?._def.meta?.openapi;
    // A raw body (a JSON array or CSV) is described by describeRawBodies, not from the input object.
    return route && !procedure._def.meta?.rawBody ? [{ method: route.method, path: route.path, input: procedure._def.inputs?.[0] }] : [];
  });
}

/** Moves the generator's fixed "200" to the status REST really answers with (201, 204, or extra ones like 503). */
function applySuccessStatuses(document: OpenAPIObject): OpenAPIObject {
  for (const meta of procedureMetas()) {
    const route = meta.openapi;
    if (!route) continue;
    const pathItem = document.paths?.[route.path] as Record<string, Operation | undefined> | undefined;
    const operation = pathItem?.[route.method.toLowerCase()];
    const ok = operation?.responses?.["200"] as Record<string, unknown> | undefined;
    if (!operation?.responses || !ok) continue;
    // Say explicitly that public operations need no credentials, instead of leaving security unstated.
    if (route.protect === false) operation.security = [];
    addCommonErrorResponses(operation.responses, !route.tags?.includes("health"));
    for (const status of meta.alsoReturns ?? []) operation.responses[String(status)] = { ...ok, description: `Status ${status}` };
    if (meta.successStatus === 201) {
      delete operation.responses["200"];
      operation.responses["201"] = { ...ok, description: ok.description === "Successful response" ? "Created" : ok.description };
    } else if (meta.successStatus === 202) {
      delete operation.responses["200"];
      operation.responses["202"] = {
        ...ok,
        description: "Accepted: the job is queued; poll it at Location",
        headers: { Location: { description: "The job: /api/v1/jobs/{jobId}", schema: { type: "string" } } },
      };
    } else if (meta.successStatus === 204) {
      delete operation.responses["200"];
      operation.responses["204"] = { description: "No content" };
    }
  }
  return document;
}

/** The version of the REST contract (the `v1` in `/api/v1`), reported in the document. */
export const API_VERSION = "1.0.0";

const TAG_DESCRIPTIONS: Record<string, string> = {
  health: "Liveness and readiness probes",
  auth: "Accounts and sessions: register, log in, refresh, log out",
  users: "Profiles; user management for admins",
  "api-keys": "Scoped API keys for external and service callers",
  projects: "Projects",
  members: "Project membership and roles",
  tasks: "Tasks: filter, sort, page; optimistic concurrency",
  audit: "The audit trail of every change",
  jobs: "Background jobs (exports, imports): 202 + Location, poll for status and progress, fetch the result",
};

/** Error bodies carry `issues: [{path, message}]` (our error formatter), not the bridge's `[{message}]`. */
function describePublicErrors(document: OpenAPIObject): OpenAPIObject {
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const issues = (schema as { properties?: Record<string, Record<string, unknown>> }).properties?.issues;
    if (!name.startsWith("error.") || !issues) continue;
    issues.description = "Present on validation failures: one entry per invalid field";
    issues.items = {
      type: "object",
      properties: {
        path: { type: "string", description: 'Dotted path of the field, e.g. "tags.0"; empty for the whole input' },
        message: { type: "string" },
      },
      required: ["path", "message"],
      additionalProperties: false,
    };
  }
  return document;
}

export interface OpenApiOptions {
  /** Where the REST surface is mounted, as clients should call it. */
  baseUrl: string;
}

/** The OpenAPI 3.1 document of every procedure with an `openapi` route. */
export function createOpenApiDocument(options: OpenApiOptions): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: "Cadence API",
    description: "Accounts, projects, tasks and their audit trail. The same procedures are served over tRPC at /trpc.",
    version: API_VERSION,
    baseUrl: options.baseUrl,
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An access token or an API key" } },
  });
  document.tags = Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description }));
  addEventStreams(document, procedureMetas().flatMap((meta) => (meta.eventStream ? [meta.eventStream] : [])));
  addErrorSchemas(document);
  describeRawBodies(document, procedureMetas());
  describeFileResponses(document, procedureMetas());
  const described = describeRequestBodies(describePublicErrors(applySuccessStatuses(document)), routedInputs());
  addHttpSemantics(described, procedureMetas());
  return described;
}

/** The REST status for a successful call, from the procedure's meta. */
export function successStatusFor(path: string, output: unknown): number {
  return successStatusOf(procedures[path]?._def.meta, output);
}

/** A procedure's meta, for what REST does beyond JSON in and out (Location, a file response, a raw body). */
export function procedureMeta(path: string): Meta | undefined {
  return procedures[path]?._def.meta;
}
