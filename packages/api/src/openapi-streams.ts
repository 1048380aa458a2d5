import { z } from "zod";
import type { OpenAPIObject } from "trpc-to-openapi";
import type { Meta } from "./meta.js";
import { addCommonErrorResponses } from "./openapi-errors.js";
import { ProjectEvent } from "./schemas/project-events.js";

type EventStreamMeta = NonNullable<Meta["eventStream"]>;

const ERROR_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  429: "TOO_MANY_REQUESTS",
};

const errorResponse = (status: number) => ({
  description: `Refused before the stream starts (${ERROR_CODES[status] ?? status})`,
  content: { "application/json": { schema: { $ref: `#/components/schemas/error.${ERROR_CODES[status] ?? "INTERNAL_SERVER_ERROR"}` } } },
});

/**
 * Documents the subscriptions served on REST as `text/event-stream` (trpc-to-openapi refuses subscriptions): path
 * parameters, the `Last-Event-ID` header, the event format and the JSON errors answered before a stream starts.
 */
export function addEventStreams(document: OpenAPIObject, streams: EventStreamMeta[]): OpenAPIObject {
  // The schema carries its id, so zod answers `{$ref, $defs: {ProjectEvent}}`: the item schema is the definition.
  const generated = z.toJSONSchema(ProjectEvent, { io: "output" }) as { $defs?: Record<string, unknown> };
  const itemSchema = generated.$defs?.ProjectEvent ?? generated;
  const paths = (document.paths ??= {}) as Record<string, Record<string, unknown>>;
  for (const stream of streams) {
    const parameters: Record<string, unknown>[] = [...stream.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string", format: "uuid" },
    }));
    parameters.push({
      name: "Last-Event-ID",
      in: "header",
      required: false,
      // Empty is what an EventSource sends after an event without id: no resume point, like no header.
      schema: { type: "string", anyOf: [{ format: "uuid" }, { maxLength: 0 }], description: "Resume after this event id; empty: from now" },
    });
    const responses: Record<string, unknown> = {
      "200": {
        description:
          "A `text/event-stream` of the project's changes. Each event has `id:` (the audit event id; send it back as " +
          "`Last-Event-ID` to resume with no gap and no duplicate), `event:` (the action, e.g. `task.update`) and `data:` " +
          "(a ProjectEvent as JSON). A `: heartbeat` comment comes every 15 s. An `error` event (`{code, message}`) " +
          "ends the stream: UNAUTHORIZED or NOT_FOUND when access is lost, SERVICE_UNAVAILABLE when the database is " +
          "unavailable or the server shuts down (reconnect with `Last-Event-ID`).",
        content: {
          "text/event-stream": {
            schema: { type: "string", description: "Server-sent events; each `data:` line is a ProjectEvent" },
            // OpenAPI 3.2's itemSchema (inline: a component only an extension used would count as unused), under an
            // extension name until the document moves past 3.1.
            "x-itemSchema": itemSchema,
            example: 'id: 0b5f…\nevent: task.update\ndata: {"id":"0b5f…","at":"2026-11-21T21:00:00.000Z","action":"task.update",…}\n\n',
          },
        },
      },
    };
    for (const status of stream.errorResponses) responses[String(status)] = errorResponse(status);
    addCommonErrorResponses(responses, true);
    paths[stream.path] = {
      ...paths[stream.path],
      get: {
        operationId: stream.operationId,
        summary: stream.summary,
        tags: stream.tags,
        security: [{ bearerAuth: [] }],
        parameters,
        responses,
      },
    };
  }
  return document;
}
