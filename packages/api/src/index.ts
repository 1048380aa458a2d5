export { appRouter } from "./root.js";
export type { AppRouter, RouterInputs, RouterOutputs } from "./root.js";
export { createContext } from "./context.js";
export type { ApiDeps, Context, RequestInfo } from "./context.js";
export { createOpenApiDocument, successStatusFor } from "./openapi.js";
export type { OpenApiOptions } from "./openapi.js";
export { toPublicError } from "./errors.js";
export type { ErrorIssue, PublicError } from "./errors.js";
export { createCallerFactory } from "./trpc.js";
