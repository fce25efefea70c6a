// Builds the remote probe into one file, dist/probe/pulsar-probe.mjs, with its dependencies
// bundled (the checks, undici, Connect): copy it to any machine with Node 20 or newer that
// reaches the API over HTTPS and run `node pulsar-probe.mjs` with PULSAR_URL and
// PULSAR_PROBE_TOKEN (internal/probe/config.ts lists the rest). No node_modules, no repository.
//
//   npm run build:probe
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const outfile = `${root}dist/probe/pulsar-probe.mjs`;

await build({
  absWorkingDir: root,
  entryPoints: ["cmd/probe/main.ts"],
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
