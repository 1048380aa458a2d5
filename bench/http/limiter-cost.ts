import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { RAISED_LIMIT } from "./servers.js";

/**
 * Microseconds per `consume` of the memory store (Cadence's default) with the options Cadence gives its request
 * limiter (packages/api/src/rate-limit/limiter.ts), measured in this process: the store's own cost, which a server
 * run with the limits raised still pays on every request.
 */
export async function memoryLimiterUsPerRequest(iterations = 100_000): Promise<number> {
  const [points = "0"] = RAISED_LIMIT.split("/");
  const limiter = new RateLimiterMemory({ keyPrefix: "cadence:requests", points: Number(points), duration: 60 });
  const key = `user:${randomUUID()}`;
  for (let i = 0; i < iterations / 10; i++) await limiter.consume(key);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await limiter.consume(key);
  return ((performance.now() - start) * 1000) / iterations;
}
