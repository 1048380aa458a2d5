import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const entry = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const tracingSdkEntry = fileURLToPath(new URL("../../src/observability/tracing-sdk.ts", import.meta.url));
const conditions = ["@cadence/source"];

/**
 * Installed packages stay outside the bundle, imported by the absolute path that the importing source would
 * resolve them to: the same files `node --import tsx` loads (PGlite finds its WASM next to its own module, a
 * native addon stays native), wherever the bundle is written.
 */
const externalPackages: Plugin = {
  name: "external-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("@cadence/") || args.path.startsWith("node:") || args.pluginData === "resolving") return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "resolving" });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return resolved.path.includes("/node_modules/") ? { path: resolved.path, external: true } : undefined;
    });
  },
};

/** Each workspace source keeps its own `import.meta.url` (migrations, data directory and snapshot cache paths). */
const ownImportMeta: Plugin = {
  name: "own-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes("/node_modules/")) return undefined;
      const source = await readFile(args.path, "utf8");
      const contents = source
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)))
        .replaceAll("import.meta.filename", JSON.stringify(args.path));
      return { contents, loader: "ts" };
    });
  },
};

/**
 * The OpenTelemetry SDK stays out of the main bundle, as it stays unloaded by `node dist/main.js` without
 * OTEL_EXPORTER_OTLP_ENDPOINT: bundled inline, its packages would be imported at start-up (esbuild hoists the
 * imports of a lazily run module), about 0.2 s of CPU for every spawned server.
 */
const lazyTracingSdk: Plugin = {
  name: "lazy-tracing-sdk",
  setup(build) {
    build.onResolve({ filter: /\/tracing-sdk\.js$/ }, (args) =>
      args.kind === "dynamic-import" ? { path: "./tracing-sdk.mjs", external: true } : undefined,
    );
  },
};

/**
 * Bundles `src/main.ts` and the workspace sources it imports into one ESM file (the tracing SDK into another beside
 * it). A spawned server then starts in a fraction of the CPU time of transpiling every source through tsx, which
 * each process would do again.
 */
export async function bundleServer(outfile: string): Promise<void> {
  await build({
    entryPoints: [
      { in: entry, out: basename(outfile, ".mjs") },
      { in: tracingSdkEntry, out: "tracing-sdk" },
    ],
    outdir: dirname(outfile),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions,
    plugins: [lazyTracingSdk, externalPackages, ownImportMeta],
    logLevel: "silent",
  });
}
