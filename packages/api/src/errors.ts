import { TRPCError as TRPCErrorClass, type TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

export interface ErrorIssue {
  path: string;
  message: string;
}

/** The one error body every client sees; REST sends exactly this, tRPC carries it in `error.data`. */
export interface PublicError {
  code: TRPC_ERROR_CODE_KEY;
  message: string;
  issues?: ErrorIssue[];
}

const GENERIC_SERVER_ERROR = "Internal server error";

/** A rule about one input field that only the service can check (e.g. "the assignee must be a member"). */
class FieldRuleError extends Error {
  constructor(readonly issues: ErrorIssue[]) {
    super(issues.map((issue) => issue.message).join("; "));
  }
}

function validationIssues(error: TRPCError): ErrorIssue[] | undefined {
  if (error.code !== "BAD_REQUEST") return undefined;
  if (error.cause instanceof FieldRuleError) return error.cause.issues;
  if (!(error.cause instanceof ZodError)) return undefined;
  return error.cause.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/**
 * Turns any error into its public form. Validation failures list their issues; server errors say nothing
 * about internals (no stack, SQL or cause), in every environment.
 */
export function toPublicError(error: TRPCError): PublicError {
  const issues = validationIssues(error);
  if (issues) return { code: error.code, message: error.cause instanceof ZodError ? "Input validation failed" : error.message, issues };
  if (error.code === "INTERNAL_SERVER_ERROR") return { code: error.code, message: GENERIC_SERVER_ERROR };
  return { code: error.code, message: error.message };
}

/** A 400 about one input field, reported in `issues` like any validation failure. */
export function invalidField(path: string, message: string): TRPCError {
  return new TRPCErrorClass({ code: "BAD_REQUEST", message, cause: new FieldRuleError([{ path, message }]) });
}
