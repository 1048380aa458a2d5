export { createCadenceClient } from "./client.js";
export type { CadenceCallContext, CadenceClient, CadenceClientOptions, TokenPair } from "./client.js";
export type { AppRouter, RouterInputs, RouterOutputs } from "@cadence/api";
export { TRPCClientError } from "@trpc/client";
