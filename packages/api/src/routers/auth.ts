import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { LoginInput, RefreshInput, RegisterInput, TokenPair } from "../schemas/auth.js";
import { User } from "../schemas/users.js";
import { login, logout, refresh, register } from "../services/auth.js";
import { noStore } from "../no-store.js";
import { anonymousProcedure } from "../trpc.js";

const tags = ["auth"];

export const authRouter = {
  register: anonymousProcedure
    .meta({
      openapi: { method: "POST", path: "/auth/register", tags, summary: "Create an account", protect: false, errorResponses: [400, 409, 415, 429] },
      successStatus: 201,
    })
    .input(RegisterInput)
    .output(User)
    .mutation(({ ctx, input }) => register(ctx, input)),

  login: anonymousProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/login",
        tags,
        summary: "Log in with username (or email) and password",
        protect: false,
        errorResponses: [400, 401, 415, 429],
      },
    })
    .input(LoginInput)
    .output(TokenPair)
    .mutation(({ ctx, input }) => login(noStore(ctx), input)),

  refresh: anonymousProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/refresh",
        tags,
        summary: "Exchange a refresh token for a new pair (single use; reuse revokes the session)",
        protect: false,
        errorResponses: [400, 401, 415, 429],
      },
    })
    .input(RefreshInput)
    .output(TokenPair)
    .mutation(({ ctx, input }) => refresh(noStore(ctx), input.refreshToken)),

  logout: anonymousProcedure
    .meta({
      openapi: { method: "POST", path: "/auth/logout", tags, summary: "Revoke the session of a refresh token", protect: false, errorResponses: [400, 401, 415, 429] },
      successStatus: 204,
    })
    .input(RefreshInput)
    .output(z.void())
    .mutation(({ ctx, input }) => logout(ctx, input.refreshToken)),
} satisfies TRPCRouterRecord;
