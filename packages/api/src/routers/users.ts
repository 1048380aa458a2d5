import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ChangePasswordInput, UpdateMeInput, User, UserIdInput, UserListInput, UserPage, UserUpdateInput } from "../schemas/users.js";
import { adminUpdateUser, changePassword, getMe, getUser, listUsers, updateMe } from "../services/users.js";
import { adminProcedure, authedProcedure, userProcedure } from "../trpc.js";

const tags = ["users"];
const adminErrors = [400, 401, 403, 404, 429];

// `me` routes come before `/users/{id}` so that "/users/me" is never read as an id.
export const usersRouter = {
  me: authedProcedure
    .meta({ openapi: { method: "GET", path: "/users/me", tags, summary: "The caller's profile", errorResponses: [401, 429] } })
    .input(z.void())
    .output(User)
    .query(({ ctx }) => getMe(ctx, ctx.identity)),

  updateMe: userProcedure
    .meta({
      openapi: { method: "PATCH", path: "/users/me", tags, summary: "Change the caller's name or email", errorResponses: [400, 401, 403, 409, 415, 429] },
    })
    .input(UpdateMeInput)
    .output(User)
    .mutation(({ ctx, input }) => updateMe(ctx, ctx.identity, input)),

  changePassword: userProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/users/me/password",
        tags,
        summary: "Change the caller's password; revokes every session",
        errorResponses: [400, 401, 403, 415, 429],
      },
      successStatus: 204,
    })
    .input(ChangePasswordInput)
    .output(z.void())
    .mutation(({ ctx, input }) => changePassword(ctx, ctx.identity, input)),

  list: adminProcedure
    .meta({ openapi: { method: "GET", path: "/users", tags, summary: "List users (admin)", errorResponses: [400, 401, 403, 429] } })
    .input(UserListInput)
    .output(UserPage)
    .query(({ ctx, input }) => listUsers(ctx.db, input)),

  get: adminProcedure
    .meta({ openapi: { method: "GET", path: "/users/{id}", tags, summary: "Get a user (admin)", errorResponses: adminErrors } })
    .input(UserIdInput)
    .output(User)
    .query(({ ctx, input }) => getUser(ctx.db, input.id)),

  update: adminProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/users/{id}",
        tags,
        summary: "Change a user's role or disable them (admin); disabling revokes their sessions",
        errorResponses: [...adminErrors, 409, 415],
      },
    })
    .input(UserUpdateInput)
    .output(User)
    .mutation(({ ctx, input }) => adminUpdateUser(ctx, ctx.identity, input)),
} satisfies TRPCRouterRecord;
