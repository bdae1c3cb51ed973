import { defineConfig } from "vitest/config";

// Integration tests run real ffmpeg on a 2-core machine: keep file parallelism low so
// encodes don't starve each other into timeouts. The JSON report feeds .ci/run's summary line.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
  },
});
