import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Periods depend on time zones: pin the process zone so no test passes by accident of the host.
    env: { TZ: 'UTC' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB files and the shared PostgreSQL server are per-test-file schemas; two cores.
    maxWorkers: 2,
  },
});
