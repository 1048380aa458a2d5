import type { AppRouter } from "@cadence/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

/** tRPC's TanStack Query bindings for the app's router type: `useTRPC().tasks.list.queryOptions(…)`. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
