import { z } from "zod";

export const SCOPES = ["projects:read", "projects:write", "tasks:read", "tasks:write"] as const;
export const Scope = z.enum(SCOPES).meta({ id: "Scope" });
export type Scope = z.infer<typeof Scope>;
