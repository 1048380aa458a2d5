import type { RouterOutputs } from "@cadence/client";

export type AuditEvent = RouterOutputs["audit"]["list"]["items"][number];

const VERBS: Record<string, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  add: "added",
  remove: "removed",
};

/** "task.update" -> "updated a task"; an action this app does not know yet reads as itself. */
export function describeAction(action: string): string {
  const [entity, verb] = action.split(".");
  if (!entity || !verb) return action;
  return `${VERBS[verb] ?? verb} ${entity === "member" ? "a member" : `the ${entity}`}`;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (Array.isArray(value)) return value.length === 0 ? "(none)" : value.join(", ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The changed fields as "title: Old → New" lines. */
export function describeChanges(changes: AuditEvent["changes"]): string[] {
  return Object.entries(changes).map(([field, { before, after }]) =>
    before === undefined || before === null ? `${field}: ${valueText(after)}` : `${field}: ${valueText(before)} → ${valueText(after)}`,
  );
}
