/**
 * The one local stack the integration project shares (booted once by `shared-stack.global-setup.ts`): what it
 * deploys, and the test-only horizons every integration test can rely on.
 */
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';

/** Task modules bundled into the shared consumer; add yours here (task names must not collide). */
export const SHARED_WORKERS = [
  fileURLToPath(new URL('../integration/fixtures/tasks.ts', import.meta.url)),
  fileURLToPath(new URL('../worker/fixtures/integration-tasks.ts', import.meta.url)),
];

/**
 * Test-only horizons (`startLocalStack`'s `horizons`): the sweeper fires every second and sends 5 s ahead, and a job 12 s
 * or more ahead takes the swept path. The 7 s between them is the writer-to-sweeper tolerance a loaded 2-core machine
 * needs; on AWS the construct keeps the lookahead at its one-minute trigger period.
 */
export const LOOKAHEAD_SEC = 5;
export const DIRECT_HORIZON_SEC = 12;
/** The consumer's timeout; a crashed consumer's message comes back after `VISIBILITY_TIMEOUT_SEC`. */
export const CONSUMER_TIMEOUT_SEC = 8;
export const VISIBILITY_TIMEOUT_SEC = 10;
/** The local trigger runs the sweeper this often (the template keeps AWS's one-minute rate). */
export const SWEEP_EVERY_SECONDS = 1;

/**
 * Queues of the shared stack. A test file that counts what is in a queue (empty, dead letters) sends its jobs to a
 * queue of its own, because the other files use `default` at the same time.
 */
export const SHARED_QUEUES = { default: {}, 'worker-it': {} } as const;

/** The horizons the shared stack's functions and writers use. */
export const SHARED_HORIZONS = { lookaheadSec: LOOKAHEAD_SEC, directHorizonSec: DIRECT_HORIZON_SEC } as const;

/** Construct props of the shared stack. */
export const SHARED_STACK_PROPS = {
  consumerTimeout: Duration.seconds(CONSUMER_TIMEOUT_SEC),
  visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_SEC),
  queues: SHARED_QUEUES,
};
