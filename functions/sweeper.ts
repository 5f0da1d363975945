/**
 * The sweeper Lambda, invoked every minute by the EventBridge Scheduler schedule of the SundialScheduler construct.
 * Clients are built once per container; the environment is read once (docs/architecture.md lists the variables).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { dynamodbClient, sqsClient } from '../lib/aws-clients.ts';
import { systemClock } from '../lib/clock.ts';
import { DEFAULT_METRICS_NAMESPACE, readConfig } from '../lib/config.ts';
import { SqsJobQueue } from '../lib/queue/sqs-queue.ts';
import { DynamoDbJobStore } from '../lib/store/dynamodb-store.ts';
import { sweepConfigFrom } from '../lib/sweeper/sweep-config.ts';
import { createSweeperHandler } from '../lib/sweeper/sweeper-handler.ts';

const config = readConfig(process.env);

export const handler = createSweeperHandler({
  store: new DynamoDbJobStore({ tableName: config.tableName, client: dynamodbClient(process.env), shards: config.shards }),
  queue: new SqsJobQueue({ client: sqsClient(process.env), queueUrls: config.queueUrls, precision: config.precision }),
  clock: systemClock,
  config: sweepConfigFrom(config),
  logger: new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sundial-sweeper' }),
  metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE }),
});
