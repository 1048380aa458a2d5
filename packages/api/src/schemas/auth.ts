import { z } from "zod";
import { trimmedText } from "./text.js";
import { DisplayName, Email, Password, Username } from "./users.js";

export const RegisterInput = z.strictObject({
  email: Email,
  username: Username,
  password: Password,
  name: DisplayName.optional(),
});

export const LoginInput = z.strictObject({
  username: trimmedText({ max: 254, description: "Username or email, in any case" }),
  password: z.string().min(1).max(128),
});

export const RefreshInput = z.strictObject({ refreshToken: z.string().min(1).max(512) });

export const TokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().describe("Access token lifetime in seconds"),
  })
  .meta({ id: "TokenPair" });
export type TokenPair = z.infer<typeof TokenPair>;
