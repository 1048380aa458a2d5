import { z } from "zod";
import { Id, PageInput, Timestamp, atLeastOneOf, pageOf } from "./common.js";
import { TRIMMED_NOTE, trimmable, trimmedText } from "./text.js";

export const Role = z.enum(["user", "admin"]).meta({ id: "Role" });

/**
 * An e-mail address exactly as sent (not trimmed: `format: email` cannot see past white space). The document states
 * `format: email` and zod's pattern; the server checks both that pattern and the WHATWG (HTML) definition JSON Schema
 * validators use for `format: email`, so the document and the server accept exactly the same addresses.
 */
export const Email = z
  .email({ abort: true })
  .max(254)
  .refine((value) => z.regexes.html5Email.test(value), "Invalid email address");
/** Checked before lowercasing, so no character outside A-Z can lowercase its way in (U+212A KELVIN SIGN becomes "k"). */
export const Username = z
  .string()
  .regex(trimmable(/^[A-Za-z0-9_-]{3,32}$/), "3-32 characters of a-z, 0-9, _ and -")
  .trim()
  .toLowerCase()
  .describe(`3-32 characters of a-z, 0-9, _ and -; stored lowercased. ${TRIMMED_NOTE}`);
export const Password = z.string().min(8, "at least 8 characters").max(128, "at most 128 characters");
export const DisplayName = trimmedText({ max: 100 });

/** What every client sees of a user; never a hash. */
export const User = z
  .object({
    id: Id,
    email: z.string(),
    username: z.string(),
    name: z.string().nullable(),
    role: Role,
    disabled: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "User" });
export type User = z.infer<typeof User>;

export const UserPage = pageOf(User, "UserPage");

export const UpdateMeInput = atLeastOneOf({ name: DisplayName.nullable().optional(), email: Email.optional() }, ["name", "email"]);

export const ChangePasswordInput = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: Password,
});

export const UserListInput = z.strictObject({
  ...PageInput,
  q: trimmedText({ max: 100, description: "Case-insensitive match on email, username or name" }).optional(),
});

export const UserIdInput = z.strictObject({ id: Id });

export const UserUpdateInput = atLeastOneOf({ id: Id, role: Role.optional(), disabled: z.boolean().optional() }, ["role", "disabled"]);
