#!/usr/bin/env node
// `pnpm dev`: the API server from source (as `pnpm start`, on port 3000 unless PORT says otherwise) and the web app's
// Vite dev server with hot reload, which proxies /trpc and /api to it. Ctrl-C stops both.
import { spawn } from "node:child_process";

const port = process.env.PORT ?? "3000";
const env = { ...process.env, PORT: port, CADENCE_API_URL: process.env.CADENCE_API_URL ?? `http://127.0.0.1:${port}` };
const children = [
  spawn("pnpm", ["exec", "tsx", "--conditions=@cadence/source", "apps/server/src/main.ts"], { stdio: "inherit", env }),
  spawn("pnpm", ["--filter", "@cadence/web", "dev"], { stdio: "inherit", env: { ...env, PORT: undefined } }),
];
let exiting = false;
const stop = (code) => {
  if (exiting) return;
  exiting = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  process.exitCode = code;
};
for (const child of children) child.on("exit", (code) => stop(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(0));
