import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../scripts/build-if-stale.mjs", import.meta.url));

/** Builds apps/web/dist unless it is up to date (the same check `pnpm start` makes). */
export default function setup(): void {
  execFileSync(process.execPath, [script], { stdio: "inherit" });
}
