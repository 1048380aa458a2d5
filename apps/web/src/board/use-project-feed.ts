import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "../trpc.js";

export type FeedState = "connecting" | "live" | "offline";

/**
 * Follows the project's live feed (`projects.events`, server-sent events through the client's subscription link)
 * and refetches what an event may have changed: the board's tasks, the timeline, the members. The link resumes
 * after the last event it saw when the connection drops.
 */
export function useProjectFeed(projectId: string): FeedState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const feed = useSubscription(
    trpc.projects.events.subscriptionOptions(
      { projectId },
      {
        onData: () => {
          void queryClient.invalidateQueries(trpc.tasks.pathFilter());
          void queryClient.invalidateQueries(trpc.audit.pathFilter());
          void queryClient.invalidateQueries(trpc.projects.pathFilter());
        },
      },
    ),
  );
  return feed.status === "pending" ? "live" : feed.status === "error" ? "offline" : "connecting";
}
