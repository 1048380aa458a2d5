import { z } from "zod";
import { Id, Timestamp } from "./common.js";
import { Scope } from "./scopes.js";
import { trimmedText } from "./text.js";

export const ApiKey = z
  .object({
    id: Id,
    name: z.string(),
    scopes: z.array(Scope),
    prefix: z.string().describe("The non-secret start of the key"),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable(),
  })
  .meta({ id: "ApiKey" });
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyCreated = ApiKey.extend({
  key: z.string().describe("The secret; shown only in this response"),
}).meta({ id: "ApiKeyCreated" });

export const ApiKeyCreateInput = z.strictObject({
  name: trimmedText({ max: 100 }),
  scopes: z
    .array(Scope)
    .min(1)
    .transform((scopes) => [...new Set(scopes)]),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional().describe("ISO 8601; must be in the future"),
});

export const ApiKeyIdInput = z.strictObject({ id: Id });
