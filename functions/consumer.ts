/**
 * The consumer Lambda, triggered by each worker queue's SQS event source (batch size and maximum concurrency set per
 * queue by the SundialScheduler construct, partial batch responses on). The construct's generated entry imports the
 * user's task modules first (so `defineTask` has filled the registry), then re-exports this handler.
 * Clients are built once per container; the environment is read once (docs/architecture.md lists the variables).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { dynamodbClient, sqsClient } from '../lib/aws-clients.ts';
import { systemClock } from '../lib/clock.ts';
import { DEFAULT_METRICS_NAMESPACE, readConfig } from '../lib/config.ts';
import { SqsJobQueue } from '../lib/queue/sqs-queue.ts';
import { sqsVisibilityChanger } from '../lib/queue/sqs-visibility.ts';
import { DynamoDbJobStore } from '../lib/store/dynamodb-store.ts';
import { createConsumerHandler } from '../lib/worker/consumer-handler.ts';
import { timerSleep } from '../lib/worker/sleep.ts';

const config = readConfig(process.env);
const sqs = sqsClient(process.env);

export const handler = createConsumerHandler({
  store: new DynamoDbJobStore({ tableName: config.tableName, client: dynamodbClient(process.env), shards: config.shards }),
  queue: new SqsJobQueue({ client: sqs, queueUrls: config.queueUrls, deadLetterUrls: config.deadLetterUrls, precision: config.precision }),
  changeVisibility: sqsVisibilityChanger(sqs, Object.values(config.queueUrls)),
  clock: systemClock,
  random: Math.random,
  sleep: timerSleep,
  retentionDays: config.retentionDays,
  logger: new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sundial-consumer' }),
  metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE }),
});
