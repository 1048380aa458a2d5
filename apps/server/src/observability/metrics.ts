import type { ApiObserver, FanOut } from "@cadence/api";
import type { PoolStats } from "@cadence/db";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { DurationHistogram } from "./duration-histogram.js";

/** What a request is counted under: fixed per route or procedure, so label sets are built once, not per request. */
export interface RouteLabels {
  surface: string;
  route: string;
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"];

type Observe = (seconds: number) => void;

export interface Metrics {
  registry: Registry;
  /** Rate-limit refusals and authentication failures, reported by the API. */
  observer: ApiObserver;
  /** A request arrived; pair with {@link Metrics.finished}. */
  started(): void;
  finished(labels: RouteLabels, method: string, status: number, seconds: number): void;
  /** Reports the live event streams open on this instance (`event_streams_open`). */
  trackStreams(open: () => number): void;
}

/**
 * The server's Prometheus metrics on a registry of its own (several servers in one process do not collide):
 * request durations by surface, route or procedure, method and status class; requests in flight; rate-limit
 * refusals by limit; authentication failures by reason; the database pool; the live-event fan-out; Node's default
 * process metrics, event-loop lag included.
 */
export function createMetrics(pool: () => PoolStats): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new DurationHistogram(
    "http_request_duration_seconds",
    "HTTP request duration by surface, route or procedure, method and status class",
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registry,
  );
  let inFlight = 0;
  new Gauge({
    name: "http_requests_in_flight",
    help: "HTTP requests being served",
    registers: [registry],
    collect() {
      this.set(inFlight);
    },
  });
  const rateLimited = new Counter({ name: "rate_limit_rejections_total", help: "Requests refused with 429, by limit", labelNames: ["limit"], registers: [registry] });
  const authFailures = new Counter({ name: "auth_failures_total", help: "Failed authentications, by reason", labelNames: ["reason"], registers: [registry] });
  registerPoolMetrics(registry, pool);
  const fannedOut = fanOutMetrics(registry);

  // One series per (route, method, status class), made on first use and kept on the route's labels.
  const children = new WeakMap<RouteLabels, (Observe | undefined)[]>();
  const childFor = (labels: RouteLabels, method: string, status: number): Observe => {
    let row = children.get(labels);
    if (!row) children.set(labels, (row = []));
    const methodIndex = METHODS.indexOf(method);
    const classIndex = Math.min(Math.max(Math.floor(status / 100) - 1, 0), 4);
    const slot = (methodIndex === -1 ? METHODS.length : methodIndex) * STATUS_CLASSES.length + classIndex;
    let observe = row[slot];
    if (!observe) {
      const { surface, route } = labels;
      row[slot] = observe = duration.series({ surface, route, method: METHODS[methodIndex] ?? "OTHER", status_class: STATUS_CLASSES[classIndex] ?? "5xx" });
    }
    return observe;
  };

  return {
    registry,
    observer: {
      rateLimited: (limit) => rateLimited.inc({ limit }),
      authenticationFailed: (reason) => authFailures.inc({ reason }),
      fannedOut,
    },
    started: () => {
      inFlight++;
    },
    trackStreams: (open) => {
      new Gauge({
        name: "event_streams_open",
        help: "Live project event streams open on this instance (REST text/event-stream and tRPC subscriptions)",
        registers: [registry],
        collect() {
          this.set(open());
        },
      });
    },
    finished: (labels, method, status, seconds) => {
      inFlight--;
      childFor(labels, method, status)(seconds);
    },
  };
}

/**
 * The live-event hub's fan-outs: how long committed events waited in the hub (pacing gap and read) and how long
 * writing them to a project's streams took, and how many event deliveries (events × streams) were handed out.
 */
function fanOutMetrics(registry: Registry): (fanOut: FanOut) => void {
  const held = new Histogram({
    name: "event_fanout_held_seconds",
    help: "From the first notification of a project's new events to the start of their fan-out (pacing gap plus read)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const write = new Histogram({
    name: "event_fanout_write_seconds",
    help: "Writing one read of a project's events to every stream of the project",
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  const deliveries = new Counter({ name: "event_deliveries_total", help: "Live events handed to streams (events × streams per fan-out)", registers: [registry] });
  return ({ events, streams, heldSeconds, writeSeconds }) => {
    held.observe(heldSeconds);
    write.observe(writeSeconds);
    deliveries.inc(events * streams);
  };
}

/** The pool as gauges read at scrape time, and its failed queries as a counter that follows the driver's count. */
function registerPoolMetrics(registry: Registry, pool: () => PoolStats): void {
  const gauge = (name: string, help: string, read: (stats: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(pool()));
      },
    });
  gauge("db_pool_size", "Connections the database pool may hold", (stats) => stats.size);
  gauge("db_pool_busy", "Database connections serving a query or holding a transaction", (stats) => stats.busy);
  gauge("db_pool_waiting", "Queries and transactions waiting for a database connection", (stats) => stats.waiting);
  let counted = 0;
  new Counter({
    name: "db_query_errors_total",
    help: "Queries the database driver rejected",
    registers: [registry],
    collect() {
      const errors = pool().queryErrors;
      if (errors > counted) this.inc(errors - counted);
      counted = errors;
    },
  });
}
