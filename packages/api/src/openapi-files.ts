import { z } from "zod";
import type { OpenAPIObject } from "trpc-to-openapi";
import type { Meta } from "./meta.js";

type Operation = { requestBody?: unknown; responses?: Record<string, { description?: string; content?: unknown; headers?: unknown } | undefined> };

function operationOf(document: OpenAPIObject, route: NonNullable<Meta["openapi"]>): Operation | undefined {
  return (document.paths?.[route.path] as Record<string, Operation | undefined> | undefined)?.[route.method.toLowerCase()];
}

const FILE_SCHEMAS: Record<string, Record<string, unknown>> = {
  "application/json": { type: "object", description: "An export: {exportedAt, project, members, tasks, auditEvents}; an import's report: {created, taskIds, errors: [{row, issues}]}" },
  "text/csv": { type: "string", description: "A CSV export of the tasks, with a header row" },
};

/** A file answered as itself: the 200 lists its media types (not the tRPC twin's JSON wrapper) and its headers. */
export function describeFileResponses(document: OpenAPIObject, metas: Meta[]): void {
  for (const meta of metas) {
    if (!meta.openapi || !meta.fileResponse) continue;
    const ok = operationOf(document, meta.openapi)?.responses?.["200"];
    if (!ok) continue;
    ok.description = "The file, with its media type and a Content-Disposition naming it";
    ok.content = Object.fromEntries(meta.fileResponse.mediaTypes.map((type) => [type, { schema: FILE_SCHEMAS[type] ?? { type: "string" } }]));
    ok.headers = { "Content-Disposition": { description: 'attachment; filename="..."', schema: { type: "string" } } };
  }
}

/** A body that is not the input object: a JSON array of items, or a CSV text (see `meta.rawBody`). */
export function describeRawBodies(document: OpenAPIObject, metas: Meta[]): void {
  for (const meta of metas) {
    if (!meta.openapi || !meta.rawBody) continue;
    const operation = operationOf(document, meta.openapi);
    if (!operation) continue;
    // Named schemas (TaskStatus...) point at the document's components, where the other operations put them.
    const generated = JSON.stringify(z.toJSONSchema(meta.rawBody.jsonItems, { io: "input", unrepresentable: "any" }));
    const items = JSON.parse(generated.replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
    delete items.$schema;
    delete items.$defs;
    operation.requestBody = {
      required: true,
      content: {
        "application/json": { schema: { type: "array", minItems: 1, maxItems: meta.rawBody.maxItems, items } },
        "text/csv": {
          schema: {
            type: "string",
            description: `A header row naming columns (title, description, status, priority, dueDate, assigneeId, tags separated by ";"; an export's other columns are ignored), then up to ${meta.rawBody.maxItems} rows`,
          },
        },
      },
    };
  }
}
