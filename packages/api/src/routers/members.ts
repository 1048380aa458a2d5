import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { Member, MemberAddInput, MemberListInput, MemberRemoveInput, MemberUpdateInput } from "../schemas/projects.js";
import { addMember, listMembers, removeMember, updateMember } from "../services/members.js";
import { scopedProcedure } from "../trpc.js";

const tags = ["members"];
const read = scopedProcedure("projects:read");
const write = scopedProcedure("projects:write");

export const membersRouter = {
  list: read
    .meta({ openapi: { method: "GET", path: "/projects/{id}/members", tags, summary: "List a project's members", errorResponses: [400, 401, 403, 404, 429] } })
    .input(MemberListInput)
    .output(z.array(Member))
    .query(({ ctx, input }) => listMembers(ctx, ctx.identity, input.id)),

  add: write
    .meta({
      openapi: { method: "POST", path: "/projects/{id}/members", tags, summary: "Add a member (owners and admins)", errorResponses: [400, 401, 403, 404, 409, 415, 429] },
      successStatus: 201,
      idempotent: true,
    })
    .input(MemberAddInput)
    .output(Member)
    .mutation(({ ctx, input }) => addMember(ctx, ctx.identity, input)),

  update: write
    .meta({
      openapi: {
        method: "PATCH",
        path: "/projects/{id}/members/{userId}",
        tags,
        summary: "Change a member's role (owners and admins); the last owner cannot be demoted",
        errorResponses: [400, 401, 403, 404, 409, 415, 429],
      },
    })
    .input(MemberUpdateInput)
    .output(Member)
    .mutation(({ ctx, input }) => updateMember(ctx, ctx.identity, input)),

  remove: write
    .meta({
      openapi: {
        method: "DELETE",
        path: "/projects/{id}/members/{userId}",
        tags,
        summary: "Remove a member (owners and admins, or yourself); the last owner cannot leave",
        errorResponses: [400, 401, 403, 404, 409, 429],
      },
      successStatus: 204,
    })
    .input(MemberRemoveInput)
    .output(z.void())
    .mutation(({ ctx, input }) => removeMember(ctx, ctx.identity, input)),
} satisfies TRPCRouterRecord;
