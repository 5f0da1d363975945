/**
 * Returning a received SQS message to its queue after a short delay, for the consumer's deferred messages.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** SQS's limit on a visibility timeout. */
const MAX_VISIBILITY_SEC = 43_200;

/**
 * A function that makes `record` visible again after `delaySec`. The queue URL is found among `queueUrls` by the
 * queue name ending the record's `eventSourceARN` (`arn:aws:sqs:<region>:<account>:<name>`), else built from the ARN.
 */
export function sqsVisibilityChanger(client: SQSClient, queueUrls: readonly string[]) {
  return async (record: SQSRecord, delaySec: number): Promise<void> => {
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOf(record.eventSourceARN, queueUrls),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SEC, Math.max(0, Math.ceil(delaySec))),
      }),
    );
  };
}

/**
 * The URL of the queue an ARN names.
 */
export function queueUrlOf(arn: string, queueUrls: readonly string[]): string {
  const [, , , region, account, name] = arn.split(':');
  return queueUrls.find((url) => url.endsWith(`/${name}`)) ?? `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}
