import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (in-memory, fake clocks, CDK template assertions) and `integration` (real processes: DynamoDB
 * Local, the SQS emulator, the local stack). Integration files share ONE local stack booted by a global setup; see
 * test/README.md. Coverage is a separate script (`npm run coverage`), so `npm test` does not pay for instrumentation.
 */
const INTEGRATION = [
  'test/integration/**/*.test.ts',
  'test/local/**/*.test.ts',
  'test/**/*.integration.test.ts',
  // Suites that start processes of their own: the chaos run, the packed tarball's app, the browser, DynamoDB Local.
  'test/chaos/**/*.test.ts',
  'test/adoption/**/*.test.ts',
  'test/**/*.browser.test.ts',
  'test/reliability/**/*.test.ts',
];

export default defineConfig({
  test: {
    // Three files at once on 2 cores: integration files mostly wait on real timers. Set here, not on the command line:
    // each project inherits this value, and `--maxWorkers` does not override a project's.
    maxWorkers: 3,
    // Generous on a loaded 2-core machine: synthesis with real bundling (unit) and own boots (test/local) take a while.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    coverage: {
      provider: 'v8',
      include: ['lib/core/**/*.ts'],
      thresholds: { 'lib/core/**/*.ts': { lines: 100, branches: 100, functions: 100, statements: 100 } },
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          globalSetup: ['test/shared/shared-stack.global-setup.ts'],
        },
      },
    ],
  },
});
