import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests boot DynamoDB Local (a JVM) and an SQS emulator per file: give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['lib/core/**/*.ts'],
      thresholds: { 'lib/core/**/*.ts': { lines: 100, branches: 100, functions: 100, statements: 100 } },
    },
  },
});
