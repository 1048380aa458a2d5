import type { StoredEvent } from "./stored-event.js";

/**
 * Where a pushed event stream delivers: called synchronously from the hub's fan-out, once per batch, so a thousand
 * subscribers of one project cost a loop of writes per notification, not a promise and a generator step each.
 */
export interface EventSink {
  /** Takes the next events, in commit order, each once. False asks for a pause: nothing more until `resume()`. */
  write(batch: readonly StoredEvent[]): boolean;
  /**
   * The stream ended, once: without an error when its client left or it was closed, else with the error to report
   * (503 on shutdown or a lost database, 401/403/404 when access was withdrawn).
   */
  end(error?: unknown): void;
}

/** The consumer's side of a pushed stream. */
export interface PushControl {
  /** The consumer took what it had (its socket drained): deliver again, catching up from the table first if needed. */
  resume(): void;
}

/** Starts pushing a stream's events into a sink instead of it being iterated (one or the other, once). */
export type PushEvents = (sink: EventSink) => PushControl;

/**
 * Subscription results that can also be pushed, by the iterable the procedure returned: tRPC iterates that
 * iterable as ever, while a transport that knows sinks (the REST event stream) asks for the push path instead.
 */
const pushables = new WeakMap<object, PushEvents>();

export function registerPush(iterable: object, push: PushEvents): void {
  pushables.set(iterable, push);
}

/** The push entry of a subscription's result, when it has one. */
export function pushOf(value: unknown): PushEvents | undefined {
  return typeof value === "object" && value !== null ? pushables.get(value) : undefined;
}
