import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ApiKey, ApiKeyCreated, ApiKeyCreateInput, ApiKeyIdInput } from "../schemas/api-keys.js";
import { createApiKey, listApiKeys, revokeApiKey } from "../services/api-keys.js";
import { noStore } from "../no-store.js";
import { userProcedure } from "../trpc.js";

const tags = ["api-keys"];

export const apiKeysRouter = {
  create: userProcedure
    .meta({
      openapi: { method: "POST", path: "/api-keys", tags, summary: "Create an API key; the secret is shown once", errorResponses: [400, 401, 403, 415, 429] },
      successStatus: 201,
      idempotent: true,
    })
    .input(ApiKeyCreateInput)
    .output(ApiKeyCreated)
    .mutation(({ ctx, input }) => createApiKey(noStore(ctx), ctx.identity, input)),

  list: userProcedure
    .meta({ openapi: { method: "GET", path: "/api-keys", tags, summary: "The caller's API keys, without secrets", errorResponses: [401, 403, 429] } })
    .input(z.void())
    .output(z.array(ApiKey))
    .query(({ ctx }) => listApiKeys(ctx, ctx.identity)),

  revoke: userProcedure
    .meta({
      openapi: { method: "DELETE", path: "/api-keys/{id}", tags, summary: "Revoke one of the caller's API keys", errorResponses: [400, 401, 403, 404, 429] },
      successStatus: 204,
    })
    .input(ApiKeyIdInput)
    .output(z.void())
    .mutation(({ ctx, input }) => revokeApiKey(ctx, ctx.identity, input.id)),
} satisfies TRPCRouterRecord;
