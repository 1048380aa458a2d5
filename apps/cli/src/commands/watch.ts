import type { RouterOutputs } from "@cadence/client";
import { signedInClient, UsageError } from "../context.js";
import type { Command } from "./command.js";

type ProjectEvent = RouterOutputs["projects"]["events"] extends AsyncIterable<{ data: infer T }> ? T : never;

const brief = (value: unknown) => {
  const text = JSON.stringify(value) ?? "null";
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/** One readable line per change: when, what, which entity, by whom, and each changed field's before -> after. */
export function eventLine(event: ProjectEvent): string {
  const fields = Object.entries(event.changes).map(([field, change]) => `${field}: ${brief(change.before)} -> ${brief(change.after)}`);
  return [event.at, event.action.padEnd(14), `${event.entityType} ${event.entityId}`, `by ${event.actorId ?? "-"}`, ...(fields.length ? [`(${fields.join(", ")})`] : [])].join("  ");
}

export const tasksWatch: Command = {
  usage: "tasks watch --project ID [--json]",
  summary: "Print each change in a project as it happens (one JSON line per event with --json); Ctrl-C stops",
  options: { project: { type: "string" } },
  run: async (ctx, { values }) => {
    const projectId = values.project as string | undefined;
    if (!projectId) throw new UsageError("--project is required");
    const { client } = await signedInClient(ctx);
    let lastEventId: string | undefined;
    // The link reconnects after network errors and restarts by itself, resuming after the last event id; a stream
    // the server ended normally is resumed here. Only a refusal (not found, signed out) ends the command.
    for (;;) {
      await new Promise<void>((resolve, reject) => {
        client.projects.events.subscribe(
          { projectId, ...(lastEventId ? { lastEventId } : {}) },
          {
            onStarted: () => ctx.stderr.write(`watching project ${projectId} (Ctrl-C to stop)\n`),
            onData: ({ id, data }) => {
              lastEventId = id;
              ctx.out.write(ctx.out.json ? JSON.stringify(data) : eventLine(data));
            },
            onError: reject,
            onComplete: resolve,
          },
        );
      });
    }
  },
};
