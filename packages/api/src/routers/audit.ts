import type { TRPCRouterRecord } from "@trpc/server";
import { AuditEventPage, AuditListInput } from "../schemas/audit.js";
import { listAuditEvents } from "../services/audit-events.js";
import { scopedProcedure } from "../trpc.js";

export const auditRouter = {
  list: scopedProcedure("projects:read")
    .meta({
      openapi: {
        method: "GET",
        path: "/audit-events",
        tags: ["audit"],
        summary: "The audit trail, newest first (admins; project owners with their projectId)",
        errorResponses: [400, 401, 403, 429],
      },
    })
    .input(AuditListInput)
    .output(AuditEventPage)
    .query(({ ctx, input }) => listAuditEvents(ctx, ctx.identity, input)),
} satisfies TRPCRouterRecord;
