import { z } from "zod";
import { Id, PageInput, Timestamp, atLeastOneOf, pageOf } from "./common.js";
import { text, trimmedText } from "./text.js";

export const ProjectName = trimmedText({ max: 100 });
export const ProjectDescription = text({ max: 2000, description: "Stored exactly as sent (not trimmed)" }).nullable();

export const Project = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    ownerId: Id,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "Project" });
export type Project = z.infer<typeof Project>;

export const ProjectPage = pageOf(Project, "ProjectPage");

export const ProjectCreateInput = z.strictObject({ name: ProjectName, description: ProjectDescription.optional() });

export const ProjectListInput = z.strictObject({
  ...PageInput,
  q: trimmedText({ max: 100, description: "Case-insensitive match on the name" }).optional(),
});

export const ProjectIdInput = z.strictObject({ id: Id });

export const ProjectUpdateInput = atLeastOneOf({ id: Id, name: ProjectName.optional(), description: ProjectDescription.optional() }, ["name", "description"]);

export const MemberRole = z.enum(["owner", "member"]).meta({ id: "MemberRole" });

export const Member = z
  .object({ userId: Id, username: z.string(), name: z.string().nullable(), role: MemberRole, addedAt: Timestamp })
  .meta({ id: "Member" });
export type Member = z.infer<typeof Member>;

export const MemberListInput = z.strictObject({ id: Id });
export const MemberAddInput = z.strictObject({ id: Id, userId: Id, role: MemberRole });
export const MemberUpdateInput = z.strictObject({ id: Id, userId: Id, role: MemberRole });
export const MemberRemoveInput = z.strictObject({ id: Id, userId: Id });
