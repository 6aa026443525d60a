import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "passes/**/*.test.ts", "analyses/**/*.test.ts", "reports/**/*.test.ts", "corpus/**/*.test.ts", "benchmarks/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // debug mode (src/core/debug.ts): every pass manager run verifies the graph after each pass
    env: { FAUSTLAB_DEBUG: "1" },
  },
});
