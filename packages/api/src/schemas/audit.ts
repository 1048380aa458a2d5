import { z } from "zod";
import { Id, PageInput, Timestamp, pageOf } from "./common.js";
import { text } from "./text.js";

export const AuditEvent = z
  .object({
    id: Id,
    at: Timestamp,
    actorId: Id.nullable(),
    actorKind: z.enum(["user", "api_key"]),
    action: z.string(),
    entityType: z.string(),
    entityId: Id,
    projectId: Id.nullable(),
    requestId: z.string(),
    changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).describe("Before/after of changed fields only"),
  })
  .meta({ id: "AuditEvent" });
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEventPage = pageOf(AuditEvent, "AuditEventPage");

export const AuditListInput = z
  .strictObject({
    actorId: Id.optional(),
    entityType: text({ min: 1, max: 50 }).optional(),
    entityId: Id.optional(),
    action: text({ min: 1, max: 100 }).optional(),
    projectId: Id.optional(),
    from: z.iso.datetime({ offset: true }).optional().describe("At or after this instant"),
    to: z.iso.datetime({ offset: true }).optional().describe("Before this instant"),
    ...PageInput,
  });
export type AuditListInput = z.infer<typeof AuditListInput>;
