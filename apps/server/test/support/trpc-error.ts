import { TRPCClientError } from "@trpc/client";
import { expect } from "vitest";

export interface TrpcErrorData {
  code: string;
  httpStatus: number;
  issues?: { path: string; message: string }[];
}

/** Awaits a tRPC call that must fail and returns its public error data. */
export async function trpcError(call: Promise<unknown>): Promise<TrpcErrorData> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "the call should have failed").toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<never>).data as unknown as TrpcErrorData;
}
