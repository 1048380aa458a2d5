import { initTRPC } from "@trpc/server";
import type { Context } from "./context.js";
import { toPublicError } from "./errors.js";
import type { Meta } from "./meta.js";

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    /** The one error formatter: the tRPC envelope keeps its shape, `data` carries the public error only. */
    errorFormatter({ shape, error }) {
      const publicError = toPublicError(error);
      return {
        message: publicError.message,
        code: shape.code,
        data: {
          code: publicError.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          ...(publicError.issues ? { issues: publicError.issues } : {}),
        },
      };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

/** Anyone may call it: no identity required. */
export const publicProcedure = t.procedure;
