import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it collects again.
 * V8's own factor is up to 4x on a machine with memory to spare, and its first limit is far above a server of this
 * size: under load the old generation then holds ~60 MB of promoted garbage (RSS ~195 MB after the benchmark, against
 * ~110 MB at start; 130 MB at 30%). V8 reads the flag at every full collection, so setting it at run time works.
 * 0 leaves V8's heuristics alone.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
