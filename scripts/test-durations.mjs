#!/usr/bin/env node
// Prints per-package durations of the newest turbo run summary (`turbo run <task> --summarize`), slowest first.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism, loadavg } from "node:os";

const dir = join(import.meta.dirname, "..", ".turbo", "runs");
const newest = readdirSync(dir)
  .filter((name) => name.endsWith(".json"))
  .map((name) => join(dir, name))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!newest) throw new Error(`no run summary in ${dir}: run turbo with --summarize`);

const summary = JSON.parse(readFileSync(newest, "utf8"));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rows = summary.tasks
  .filter((task) => task.execution)
  .map((task) => ({
    task: task.taskId,
    ms: task.execution.endTime - task.execution.startTime,
    cache: task.cache?.status === "HIT" ? "cached" : "ran",
    exit: task.execution.exitCode,
  }))
  .sort((a, b) => b.ms - a.ms);
const width = Math.max(...rows.map((row) => row.task.length));
console.log(`${"task".padEnd(width)}  duration  cache   exit`);
for (const row of rows) console.log(`${row.task.padEnd(width)}  ${seconds(row.ms).padStart(8)}  ${row.cache.padEnd(6)}  ${row.exit ?? "-"}`);
const { startTime, endTime } = summary.execution;
const machine = `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1)} now`;
console.log(`${"wall (turbo)".padEnd(width)}  ${seconds(endTime - startTime).padStart(8)}  ${machine}`);
