import { setTimeout as sleep } from "node:timers/promises";

/**
 * How a project's fan-outs are spaced. Writing a batch to every stream of a project costs a socket write each (about
 * 6 µs: 6 ms for a thousand subscribers), whatever the batch holds. So after a fan-out that took `d` ms the project's
 * next read waits `FAN_OUT_GAP_FACTOR × d` ms (at most `MAX_FAN_OUT_GAP_MS`), and the events committed meanwhile go
 * out together, one write per stream: fanning out then takes at most a quarter of the loop, and a busy project's
 * deliveries cost less per event the busier it gets. A project with a few subscribers fans out in microseconds and
 * so waits for nothing; the first change after a quiet spell is delivered at once.
 */
export const FAN_OUT_GAP_FACTOR = 3;
/** The most a fan-out's gap adds to an event's delivery. */
export const MAX_FAN_OUT_GAP_MS = 50;

/** The clock a hub paces by (a test's own clock and wait make the pacing deterministic). */
export interface FanOutPace {
  now(): number;
  wait(ms: number): Promise<void>;
}

export const realPace: FanOutPace = {
  now: () => performance.now(),
  wait: (ms) => sleep(ms),
};

/** When a project that started a fan-out at `startedAt` (which ended at `endedAt`) may start reading its next one. */
export function nextFanOutAt(startedAt: number, endedAt: number): number {
  return endedAt + Math.min(MAX_FAN_OUT_GAP_MS, (endedAt - startedAt) * FAN_OUT_GAP_FACTOR);
}
