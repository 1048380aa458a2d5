import { writeFile } from "node:fs/promises";
import { documentFile, render, typesFile } from "./render.js";

const { document, types } = await render();
await writeFile(documentFile, document);
await writeFile(typesFile, types);
console.log("wrote openapi.json and src/generated/schema.gen.ts");
