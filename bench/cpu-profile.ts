// `pnpm --filter @cadence/bench profile:summary <file.cpuprofile> [requests]`: where a server's CPU went, by package
// and by function (self time), per request when the request count is given. Profile a built server under load with
// `node --cpu-prof --cpu-prof-dir=DIR apps/server/dist/main.js` (the profile is written when it exits on SIGINT) or
// the inspector's Profiler; "(idle)" is time the loop waited, "(garbage collector)" main-thread GC.
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a frame belongs to: an npm package, a workspace, a node: module, wasm, or V8's own pseudo-frames. */
export function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0] ?? ""}`;
  if (url.startsWith("wasm://")) return "wasm";
  const npm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (npm?.[1]) return npm[1];
  const workspace = /\/((?:apps|packages)\/[^/]+)\//.exec(url);
  return workspace?.[1] ?? url;
}

function top(totals: Map<string, number>, count: number): [string, number][] {
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, count);
}

function summarise(profile: CpuProfile, requests: number | undefined): string {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i + 1] ?? 0;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    total += micros;
    const pkg = packageOf(frame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    const where = frame.url === "" ? "" : ` ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName || "(anonymous)"}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  });
  const unit = requests ? "µs/req" : "ms";
  const value = (micros: number) => (requests ? (micros / requests).toFixed(1) : (micros / 1000).toFixed(0)).padStart(9);
  const lines = [`${(total / 1e6).toFixed(2)} s sampled${requests ? `, ${requests} requests: ${(total / requests).toFixed(0)} µs/req` : ""}`, `by package (${unit}, share):`];
  for (const [name, micros] of top(byPackage, 25)) lines.push(`${value(micros)}  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`);
  lines.push(`by function, self time (${unit}):`);
  for (const [name, micros] of top(byFunction, 30)) lines.push(`${value(micros)}  ${name}`);
  return lines.join("\n");
}

const [file, requests] = process.argv.slice(2);
if (!file) {
  console.error("usage: profile:summary <file.cpuprofile> [requests]");
  process.exit(2);
}
console.log(summarise(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, requests === undefined ? undefined : Number(requests)));
