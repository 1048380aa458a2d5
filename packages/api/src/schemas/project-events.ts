import { z } from "zod";
import { AuditEvent } from "./audit.js";
import { Id } from "./common.js";

/** One item of a project's live feed: the audit event of the change, as `GET /audit-events` shows it. */
export const ProjectEvent = AuditEvent.pick({ id: true, at: true, action: true, entityType: true, entityId: true, actorId: true, changes: true }).meta({
  id: "ProjectEvent",
});
export type ProjectEvent = z.infer<typeof ProjectEvent>;

export const ProjectEventsInput = z.strictObject({
  projectId: Id,
  lastEventId: Id.optional().describe("Resume after this event (REST: the Last-Event-ID header)"),
});
export type ProjectEventsInput = z.infer<typeof ProjectEventsInput>;
