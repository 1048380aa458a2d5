import { z } from "zod";
import { Id, PageInput, Timestamp, pageOf } from "./common.js";

export const Role = z.enum(["user", "admin"]).meta({ id: "Role" });

export const Email = z.string().trim().max(254).pipe(z.email());
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_-]{3,32}$/, "3-32 characters of a-z, 0-9, _ and -");
export const Password = z.string().min(8, "at least 8 characters").max(128, "at most 128 characters");
export const DisplayName = z.string().trim().min(1).max(100);

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

export const UpdateMeInput = z
  .strictObject({ name: DisplayName.nullable().optional(), email: Email.optional() })
  .refine((input) => Object.keys(input).length > 0, "Send at least one of name, email");

export const ChangePasswordInput = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: Password,
});

export const UserListInput = z.strictObject({
  ...PageInput,
  q: z.string().trim().min(1).max(100).optional().describe("Case-insensitive match on email, username or name"),
});

export const UserIdInput = z.strictObject({ id: Id });

export const UserUpdateInput = z
  .strictObject({ id: Id, role: Role.optional(), disabled: z.boolean().optional() })
  .refine((input) => input.role !== undefined || input.disabled !== undefined, "Send at least one of role, disabled");
