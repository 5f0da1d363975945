/**
 * The one place that builds AWS SDK clients, so every part of sundial (API, handlers, CLI, local stack users) talks to
 * the same endpoint: AWS by default, or `AWS_ENDPOINT_URL` (DynamoDB Local + the SQS emulator, or LocalStack).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * A DynamoDB document client that drops `undefined` attributes (optional fields of our records).
 *
 * @example
 * ```ts
 * const doc = documentClient(new DynamoDBClient({}));
 * ```
 */
export function documentClient(client: DynamoDBClient | DynamoDBDocumentClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * An SQS client. The SDK normally sends each call to the host in the queue URL; emulators hand out URLs whose host does
 * not resolve, so when an endpoint is configured we send to that endpoint instead.
 *
 * @example
 * ```ts
 * const sqs = sqsClient();
 * ```
 */
export function sqsClient(env: Record<string, string | undefined> = process.env): SQSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
  return new SQSClient(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {});
}
