import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { DurationHistogram } from "../src/observability/duration-histogram.js";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const NAME = "http_request_duration_seconds";
const HELP = "HTTP request duration by surface, route or procedure, method and status class";
const LABELS = [
  { surface: "health", route: "/health", method: "GET", status_class: "2xx" },
  { surface: "rest", route: "/projects/{projectId}", method: "PATCH", status_class: "4xx" },
  { surface: "trpc", route: 'say "hi"\\n', method: "OTHER", status_class: "5xx" },
];
/** Edges, values between them, one above the largest bucket. */
const VALUES = [0, 0.001, 0.0011, 0.003, 0.05, 0.7, 10, 12.5];

/** The same observations in prom-client's own Histogram and in DurationHistogram, each on a registry of its own. */
async function both(observe: (observeInto: (labels: number, value: number) => void) => void) {
  const ours = new Registry();
  const theirs = new Registry();
  const histogram = new DurationHistogram(NAME, HELP, BUCKETS, ours);
  const reference = new Histogram({ name: NAME, help: HELP, labelNames: Object.keys(LABELS[0] ?? {}), buckets: BUCKETS, registers: [theirs] });
  const series = LABELS.map((labels) => histogram.series(labels));
  observe((index, value) => {
    series[index]?.(value);
    reference.observe(LABELS[index] ?? {}, value);
  });
  return { ours, theirs };
}

describe("the request duration histogram", () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations, as text and as JSON", async () => {
    const { ours, theirs } = await both((observe) => {
      for (const value of VALUES) observe(1, value);
      for (const value of VALUES.slice(2)) observe(0, value);
      observe(2, 0.2);
    });
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // As JSON too, but for prom-client's exemplar slots (always empty: exemplars are off).
    const withoutExemplars = (json: unknown) => JSON.parse(JSON.stringify(json, (key, value: unknown) => (key === "exemplar" ? undefined : value))) as unknown;
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
  });

  it("leaves out a series until it is observed, and again after a reset until observed again", async () => {
    const { ours, theirs } = await both((observe) => observe(0, 0.004));
    expect(await ours.metrics()).toBe(await theirs.metrics());
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).not.toContain("_bucket");
  });

  it("refuses a value that is not a finite number, as prom-client does", async () => {
    const histogram = new DurationHistogram(NAME, HELP, BUCKETS, new Registry());
    expect(() => histogram.series(LABELS[0] ?? {})(Number.NaN)).toThrow(TypeError);
  });
});
