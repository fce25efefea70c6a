// Copies the API documentation into dist/docs, where the API serves it (/openapi.json, /docs):
// the OpenAPI document `npm run generate` writes, and Scalar's standalone viewer. The image
// installs no dev dependencies, so the viewer travels in dist/ like the dashboard.
//
//   npm run build:docs
import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const out = `${root}dist/docs/`;

await mkdir(out, { recursive: true });
await copyFile(`${root}gen/openapi/openapi.json`, `${out}openapi.json`);
await copyFile(
  `${root}node_modules/@scalar/api-reference/dist/browser/standalone.js`,
  `${out}scalar.js`,
);
console.log(`copied the OpenAPI document and its viewer to ${out}`);
