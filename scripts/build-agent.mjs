// Builds the agent into one file, dist/agent/pulsar-agent.mjs, with its dependencies bundled:
// copy it to any machine with Node 20 or newer and run `node pulsar-agent.mjs` (configuration
// from the environment, see README "The agent"). No node_modules, no repository.
//
//   npm run build:agent
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const outfile = `${root}dist/agent/pulsar-agent.mjs`;

await build({
  absWorkingDir: root,
  entryPoints: ["cmd/agent/main.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Some dependencies are CommonJS and call require() for Node's built-ins; an ES module has
  // no require of its own, so the bundle defines one.
  banner: {
    js: [
      "#!/usr/bin/env node",
      'import { createRequire as __pulsarCreateRequire } from "node:module";',
      "const require = __pulsarCreateRequire(import.meta.url);",
    ].join("\n"),
  },
  // Whitespace and syntax only: about 2 MB less resident memory for the parsed source, while
  // stack traces keep their names.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "eof",
  logLevel: "warning",
});

const { size } = await stat(outfile);
console.log(`built ${outfile} (${(size / 1024).toFixed(0)} KiB)`);
