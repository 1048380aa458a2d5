import { readFileSync } from "node:fs";

/** The server package's version, reported in the OpenAPI document. */
export const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
