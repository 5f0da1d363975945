/**
 * `sundial-scheduler/lambda`: the handler factories of sundial's two Lambda functions, configured from the
 * environment the SundialScheduler construct gives them. The construct bundles them for you; write your own entry only
 * to wrap them (three lines, below).
 *
 * @example
 * ```ts
 * // consumer.ts — a consumer entry of your own
 * import { createConsumerHandler } from 'sundial-scheduler/lambda';
 * import * as tasks from './tasks.ts';
 * export const handler = createConsumerHandler({ tasks: [tasks] });
 * ```
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamodbClient, sqsClient } from '../lib/aws-clients.ts';
import { systemClock } from '../lib/clock.ts';
import { DEFAULT_METRICS_NAMESPACE, readConfig } from '../lib/config.ts';
import { SqsJobQueue } from '../lib/queue/sqs-queue.ts';
import { sqsVisibilityChanger } from '../lib/queue/sqs-visibility.ts';
import { DynamoDbJobStore } from '../lib/store/dynamodb-store.ts';
import { sweepConfigFrom } from '../lib/sweeper/sweep-config.ts';
import { createSweeperHandler as sweeperHandlerFromDeps } from '../lib/sweeper/sweeper-handler.ts';
import type { SweepReport } from '../lib/sweeper/types.ts';
import { registerTask } from '../lib/tasks/registry.ts';
import { tasksOf, type TaskList } from '../lib/tasks/task-list.ts';
import { createConsumerHandler as consumerHandlerFromDeps } from '../lib/worker/consumer-handler.ts';
import { timerSleep } from '../lib/worker/sleep.ts';

type Env = Record<string, string | undefined>;

export type { TaskList };
// For a function granted `grantSweeperControl`: pause, resume and inspect the sweeper's trigger.
export { pauseSweeper, resumeSweeper, sweeperStatus, sweeperTriggerFromEnv, type SweeperStatus, type SweeperTrigger } from '../lib/sweeper/sweeper-trigger.ts';

/** Options of {@link createConsumerHandler}. */
export interface ConsumerHandlerOptions {
  /** The tasks this consumer runs (see `TaskList`). */
  readonly tasks: TaskList;
  /** Where the configuration comes from. @default process.env */
  readonly env?: Env;
}

/**
 * The consumer handler (SQS event source, partial batch responses), running the given tasks. Like graphile-worker's
 * `run({ taskList })`, the tasks are passed explicitly: nothing depends on which modules happened to be imported.
 *
 * @example
 * ```ts
 * import { createConsumerHandler } from 'sundial-scheduler/lambda';
 * import { sendEmail, rebuildReport } from './tasks.ts';
 * export const handler = createConsumerHandler({ tasks: [sendEmail, rebuildReport] });
 * ```
 */
export function createConsumerHandler(options: ConsumerHandlerOptions): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  for (const task of tasksOf(options.tasks)) registerTask(task);
  const env = options.env ?? process.env;
  const config = readConfig(env);
  const sqs = sqsClient(env);
  return consumerHandlerFromDeps({
    store: new DynamoDbJobStore({ tableName: config.tableName, client: dynamodbClient(env), shards: config.shards }),
    queue: new SqsJobQueue({ client: sqs, queueUrls: config.queueUrls, deadLetterUrls: config.deadLetterUrls, precision: config.precision }),
    changeVisibility: sqsVisibilityChanger(sqs, Object.values(config.queueUrls)),
    clock: systemClock,
    random: Math.random,
    sleep: timerSleep,
    retentionDays: config.retentionDays,
    logger: new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'sundial-consumer' }),
    metrics: new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE }),
  });
}

/**
 * The sweeper handler (run every minute by the construct's EventBridge Scheduler schedule).
 *
 * @example
 * ```ts
 * import { createSweeperHandler } from 'sundial-scheduler/lambda';
 * export const handler = createSweeperHandler();
 * ```
 */
export function createSweeperHandler(options: { readonly env?: Env } = {}): (event: unknown, context: Context) => Promise<SweepReport> {
  const env = options.env ?? process.env;
  const config = readConfig(env);
  return sweeperHandlerFromDeps({
    store: new DynamoDbJobStore({ tableName: config.tableName, client: dynamodbClient(env), shards: config.shards }),
    queue: new SqsJobQueue({ client: sqsClient(env), queueUrls: config.queueUrls, precision: config.precision }),
    clock: systemClock,
    config: sweepConfigFrom(config),
    logger: new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'sundial-sweeper' }),
    metrics: new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE }),
    sleep: timerSleep,
  });
}
