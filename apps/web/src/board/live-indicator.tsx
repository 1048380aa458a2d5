import type { FeedState } from "./use-project-feed.js";

const TEXT: Record<FeedState, string> = { live: "Live", connecting: "Connecting…", offline: "Offline: retrying" };

/** Whether the board is following the live feed, announced politely to screen readers. */
export function LiveIndicator({ state }: { state: FeedState }) {
  return (
    <span role="status" className={`live live-${state}`} data-state={state}>
      {TEXT[state]}
    </span>
  );
}
