/**
 * The one place that builds AWS SDK clients, so every part of sundial (API, handlers, CLI, local stack users) talks to
 * the same endpoint: AWS by default, or `AWS_ENDPOINT_URL` (DynamoDB Local + the SQS emulator, or LocalStack).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';

type Env = Record<string, string | undefined>;

/**
 * Client settings taken from `env` (endpoint, region, static credentials or a named profile). The SDK reads `process.env` by itself; this
 * makes an explicit environment — e.g. the `env` of `startLocalStack` — work without touching `process.env`.
 */
export function clientConfigFromEnv(env: Env, service: 'DYNAMODB' | 'SQS' | 'SCHEDULER' | 'CLOUDFORMATION') {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  // A named profile (the CLI's --profile) is read by the SDK's own credential chain.
  const profile = credentials ? undefined : env.AWS_PROFILE;
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(credentials ? { credentials } : {}),
    ...(profile ? { profile } : {}),
  };
}

/**
 * A DynamoDB document client that drops `undefined` attributes (optional fields of our records).
 */
export function documentClient(client: DynamoDBClient | DynamoDBDocumentClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  // Not `instanceof`: a client built by another copy of lib-dynamodb (the app's own) would fail it. Every document
  // client carries `translateConfig` on its config, which is what document commands read.
  if ('translateConfig' in (client.config ?? {})) return client as DynamoDBDocumentClient;
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * A DynamoDB client configured from `env`.
 */
export function dynamodbClient(env: Env = process.env): DynamoDBClient {
  return new DynamoDBClient(clientConfigFromEnv(env, 'DYNAMODB'));
}

/**
 * How long one SQS request may take before the SDK abandons it (and retries it, as it does a throttle). The SDK's
 * default is no limit: a connection that stops answering (a half-open socket) would hold its send forever, and with
 * it one of the queue's batch slots in a long-lived process, until every `enqueue` waits behind hung requests. Sends
 * and deletes answer in milliseconds; sundial never long-polls with this client.
 */
export const SQS_REQUEST_TIMEOUT_MS = 5_000;
/** How long opening a connection to SQS may take. */
export const SQS_CONNECT_TIMEOUT_MS = 3_000;

/**
 * An SQS client configured from `env`. The SDK normally sends each call to the host in the queue URL; emulators hand
 * out URLs whose host may not resolve, so when an endpoint is configured we send to that endpoint instead. Requests
 * time out after {@link SQS_REQUEST_TIMEOUT_MS}; `overrides` (e.g. `maxAttempts`) go to the client as they are.
 */
export function sqsClient(env: Env = process.env, overrides: Partial<SQSClientConfig> = {}): SQSClient {
  const config = clientConfigFromEnv(env, 'SQS');
  return new SQSClient({
    ...config,
    ...('endpoint' in config ? { useQueueUrlAsEndpoint: false } : {}),
    requestHandler: { connectionTimeout: SQS_CONNECT_TIMEOUT_MS, requestTimeout: SQS_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    ...overrides,
  });
}

/**
 * An EventBridge Scheduler client configured from `env` (pausing and resuming the sweeper's trigger).
 */
export function schedulerClient(env: Env = process.env): SchedulerClient {
  return new SchedulerClient(clientConfigFromEnv(env, 'SCHEDULER'));
}
