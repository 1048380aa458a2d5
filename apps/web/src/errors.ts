import { TRPCClientError } from "@cadence/client";

/** The tRPC error code of a failed call (`CONFLICT`, `UNAUTHORIZED`…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  return typeof data === "object" && data !== null && "code" in data && typeof data.code === "string" ? data.code : undefined;
}

/** A sentence for the user: the server's message, or a generic one when the network failed. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  return "Something went wrong; check your connection and try again.";
}
