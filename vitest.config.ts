import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "internal/**/*.test.ts",
      "cmd/**/*.test.ts",
      "test/**/*.test.ts",
      // Dashboard component tests; each file picks happy-dom with a @vitest-environment comment.
      "web/src/**/*.test.{ts,tsx}",
    ],
    // Integration tests share one Postgres and one Redis; each file isolates itself with its
    // own schema / queue prefix, so files may run in parallel on the 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["test/global-setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
