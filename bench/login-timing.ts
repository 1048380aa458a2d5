// Login timing: an unknown user must cost about as much as a wrong password (the server verifies against a
// dummy hash), so response times do not reveal which usernames exist. Ratio against wrong-password logins.
import { performance } from "node:perf_hooks";
import { startEphemeralServer } from "@cadence/server/testing";

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const server = await startEphemeralServer({ RATE_LIMIT_LOGIN: "100000/1m", RATE_LIMIT_REGISTER: "1000/1h", PASSWORD_HASH_COST: "standard" });

async function post(path: string, body: unknown): Promise<number> {
  const res = await fetch(`${server.url}/api/v1${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

async function timed(body: unknown): Promise<number> {
  const start = performance.now();
  const status = await post("/auth/login", body);
  if (status !== 401 && status !== 200) throw new Error(`unexpected ${status}`);
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

try {
  await post("/auth/register", { email: "bench@example.com", username: "bench", password: "bench-password" });
  const samples = { "wrong password (baseline)": [] as number[], "unknown user": [] as number[], "right password": [] as number[] };
  await timed({ username: "nobody", password: "warm-up-the-dummy-hash" });
  for (let i = 0; i < RUNS; i++) {
    samples["wrong password (baseline)"].push(await timed({ username: "bench", password: `wrong-${i}` }));
    samples["unknown user"].push(await timed({ username: `ghost${i}`, password: `wrong-${i}` }));
    samples["right password"].push(await timed({ username: "bench", password: "bench-password" }));
  }
  const baseline = median(samples["wrong password (baseline)"]);
  console.log(`POST /auth/login, median of ${RUNS} runs each`);
  for (const [name, values] of Object.entries(samples)) {
    const ms = median(values);
    console.log(`  ${name.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / baseline).toFixed(2)}x baseline`);
  }
} finally {
  await server.stop();
}
