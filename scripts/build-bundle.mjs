// Builds a process that runs away from the server into one file with its dependencies bundled:
// copy it to any machine with Node 20 or newer and run it with its configuration in the
// environment. No node_modules, no repository.
//
//   node scripts/build-bundle.mjs agent   # npm run build:agent → dist/agent/pulsar-agent.mjs
//                                         # (README "The agent")
//   node scripts/build-bundle.mjs probe   # npm run build:probe → dist/probe/pulsar-probe.mjs
//                                         # (the checks, undici, Connect; PULSAR_URL and
//                                         # PULSAR_PROBE_TOKEN, internal/probe/config.ts)
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const BUNDLES = {
  agent: { entry: "cmd/agent/main.ts", outfile: "dist/agent/pulsar-agent.mjs" },
  probe: { entry: "cmd/probe/main.ts", outfile: "dist/probe/pulsar-probe.mjs" },
};

const name = process.argv[2] ?? "";
const bundle = BUNDLES[name];
if (!bundle) {
  console.error(`usage: node scripts/build-bundle.mjs <${Object.keys(BUNDLES).join("|")}>`);
  process.exit(2);
}
const root = fileURLToPath(new URL("../", import.meta.url));
const outfile = `${root}${bundle.outfile}`;

await build({
  absWorkingDir: root,
  entryPoints: [bundle.entry],
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
