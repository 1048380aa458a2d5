import { parseArgs } from "node:util";

export interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  /** Lower-case fragments: a row runs when its key or label contains one of them. */
  only: string[];
  smoke: boolean;
  /** Node binary for the servers (the bench itself runs on the current one). */
  serverNode: string;
  /** Load generator; undefined: wrk when installed, else autocannon. */
  load: "wrk" | "autocannon" | undefined;
}

export const USAGE = `pnpm bench:http [options]

  --duration <s>      seconds of load per row and round (default 5)
  --warmup <s>        seconds of discarded load per row before the first round (default 2)
  --connections <n>   concurrent connections (default 50)
  --rounds <n>        rounds; rows are interleaved within each round and medians reported (default 3)
  --only <filter>     rows whose key or label contains the filter (comma for several), plus their baselines
  --load <name>       wrk or autocannon (default: wrk when installed, else autocannon)
  --node <path>       Node binary that runs the servers, e.g. a Node 24 to compare (default: this one)
  --smoke             what CI runs: 2 seconds, 1 round, 1 second of warm-up
  --help`;

/** Whole numbers only: wrk takes whole seconds, and half a connection or round means nothing. */
function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a whole number of at least 1, got "${value}"`);
  return number;
}

/** Parses the command line; throws with a usage message on anything unknown or malformed. */
export function parseOptions(argv: string[]): Options | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      rounds: { type: "string" },
      only: { type: "string" },
      node: { type: "string" },
      load: { type: "string" },
      smoke: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return "help";
  if (values.load !== undefined && values.load !== "wrk" && values.load !== "autocannon") {
    throw new Error(`--load must be wrk or autocannon, got "${values.load}"`);
  }
  const smoke = values.smoke;
  return {
    durationSeconds: count("duration", values.duration, smoke ? 2 : 5),
    warmupSeconds: count("warmup", values.warmup, smoke ? 1 : 2),
    connections: count("connections", values.connections, 50),
    rounds: count("rounds", values.rounds, smoke ? 1 : 3),
    only: (values.only ?? "")
      .split(",")
      .map((part) => part.trim().toLowerCase())
      .filter((part) => part !== ""),
    smoke,
    serverNode: values.node ?? process.execPath,
    load: values.load,
  };
}
