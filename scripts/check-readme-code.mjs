#!/usr/bin/env node
// Type-checks every ```ts / ```typescript block of README.md (and docs/*.md) with tsc under the repository's strict
// settings, so a snippet a reader copies compiles. Each block is its own module, resolving the workspace packages
// (`@cadence/client`, `@cadence/rest-client`, ...) from their sources like the apps do: no build needed.
// A block that is deliberately a fragment opts out with ```ts nocheck.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const work = join(root, "node_modules", ".cache", "readme-code");

const docsDir = join(root, "docs");
const documents = [
  join(root, "README.md"),
  ...(existsSync(docsDir) ? readdirSync(docsDir).filter((name) => name.endsWith(".md")).map((name) => join(docsDir, name)) : []),
];

/** The TypeScript blocks of one Markdown file, with the line of their first code line. */
function blocksOf(file) {
  const lines = readFileSync(file, "utf8").split("\n");
  const blocks = [];
  let open;
  lines.forEach((line, index) => {
    const fence = /^```\s*(\S*)\s*(.*)$/.exec(line);
    if (!fence) {
      open?.code.push(line);
      return;
    }
    if (open) {
      if (open.check) blocks.push(open);
      open = undefined;
    } else {
      const lang = fence[1]?.toLowerCase() ?? "";
      const isTs = lang === "ts" || lang === "typescript";
      open = { file, line: index + 2, code: [], check: isTs && !/\bnocheck\b/.test(fence[2] ?? "") };
    }
  });
  return blocks;
}

rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, "node_modules", "@cadence"), { recursive: true });
// Every workspace package, linked by name where the snippets resolve it.
for (const dir of ["packages", "apps"]) {
  for (const name of readdirSync(join(root, dir))) {
    const manifest = join(root, dir, name, "package.json");
    if (!existsSync(manifest)) continue;
    const packageName = JSON.parse(readFileSync(manifest, "utf8")).name;
    if (packageName?.startsWith("@cadence/")) symlinkSync(join(root, dir, name), join(work, "node_modules", packageName), "dir");
  }
}

const sources = new Map();
for (const document of documents) {
  for (const block of blocksOf(document)) {
    const name = `${basename(document, ".md")}-L${block.line}.ts`;
    // `export {}` makes every block a module of its own (top-level await, no shared globals).
    writeFileSync(join(work, name), `${block.code.join("\n")}\nexport {};\n`);
    sources.set(name, block);
  }
}
writeFileSync(join(work, "package.json"), JSON.stringify({ private: true, type: "module" }));
writeFileSync(
  join(work, "tsconfig.json"),
  JSON.stringify({ extends: relative(work, join(root, "tsconfig.base.json")), compilerOptions: { noEmit: true }, include: ["*.ts"] }),
);

const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", work, "--pretty", "false"], { cwd: work, encoding: "utf8" });
// Point each error at the Markdown line it comes from.
const output = `${result.stdout}${result.stderr}`.replace(/^([\w.-]+\.ts)\((\d+),(\d+)\)/gm, (match, name, line, column) => {
  const block = sources.get(name);
  return block ? `${relative(root, block.file)}:${block.line + Number(line) - 1}:${column}` : match;
});
if (result.status !== 0) {
  process.stderr.write(output);
  process.stderr.write(`\nREADME code blocks do not type-check (${sources.size} checked; mark a deliberate fragment \`\`\`ts nocheck)\n`);
  process.exit(1);
}
console.log(`${sources.size} TypeScript code blocks in ${documents.map((file) => relative(root, file)).join(", ")} type-check`);
