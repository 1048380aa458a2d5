import { z } from "zod";

export const LiveOutput = z.object({ status: z.literal("ok") }).meta({ id: "Live" });

export const ReadyOutput = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    checks: z.object({ database: z.string().describe('"ok", or why the database is not usable') }),
  })
  .meta({ id: "Ready" });
export type ReadyOutput = z.infer<typeof ReadyOutput>;
