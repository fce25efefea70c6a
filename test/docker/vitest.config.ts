import { defineConfig } from "vitest/config";

// The compose stack under a real Docker engine: not part of `npm test` (it needs the engine,
// the images and the environment .ci/docker/run prepares), run by that script.
export default defineConfig({
  test: {
    include: ["test/docker/**/*.e2e.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // One stack, driven step by step: the files and tests run in order, one at a time.
    fileParallelism: false,
    // Each step stands on the ones before it: the first failure ends the run.
    bail: 1,
    sequence: { concurrent: false },
  },
});
