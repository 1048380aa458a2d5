import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorCode } from "../errors.js";
import { Pager } from "../layout/pager.js";
import { useTRPC } from "../trpc.js";
import { describeAction, describeChanges } from "./describe-event.js";

const PER_PAGE = 15;

/** The project's audit trail, newest first; refetched by the live feed. Owners (and admins) may read it. */
export function ActivityTimeline({ projectId, nameOf }: { projectId: string; nameOf: (userId: string | null) => string }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const events = useQuery({ ...trpc.audit.list.queryOptions({ projectId, page, perPage: PER_PAGE }), placeholderData: keepPreviousData });

  return (
    <section className="panel timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Activity</h2>
      {events.isPending ? (
        <p role="status">Loading activity…</p>
      ) : events.error ? (
        <p className={errorCode(events.error) === "FORBIDDEN" ? "hint" : "error"}>
          {errorCode(events.error) === "FORBIDDEN" ? "The activity timeline is for the project's owners." : events.error.message}
        </p>
      ) : events.data.items.length === 0 ? (
        <p>No activity yet.</p>
      ) : (
        <ol className="events">
          {events.data.items.map((event) => (
            <li key={event.id}>
              <time dateTime={event.at}>{new Date(event.at).toLocaleString()}</time>{" "}
              <strong>{event.actorKind === "api_key" ? `${nameOf(event.actorId)} (API key)` : nameOf(event.actorId)}</strong> {describeAction(event.action)}
              {Object.keys(event.changes).length > 0 && (
                <ul className="changes">
                  {describeChanges(event.changes).map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
      {events.data && <Pager label="Activity pages" page={page} totalPages={events.data.totalPages} onPage={setPage} />}
    </section>
  );
}
