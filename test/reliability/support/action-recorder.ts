/**
 * Records the IAM actions a DynamoDB or SQS client's requests need, from the requests themselves (an SDK middleware
 * reading the JSON protocol's `X-Amz-Target`): what the grants of the construct must allow, no more, no less.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';

/** IAM actions seen since the last `take()`. */
export class ActionRecorder {
  private seen = new Set<string>();

  /** Installs the recording middleware on `client` (after serialization, so the request is final). */
  attach(client: DynamoDBClient | SQSClient, service: 'dynamodb' | 'sqs'): void {
    (client as DynamoDBClient).middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string>; body?: unknown };
        const target = request.headers?.['x-amz-target'] ?? request.headers?.['X-Amz-Target'];
        const operation = target?.split('.')[1];
        if (operation) for (const action of iamActionsOf(service, operation, request.body)) this.seen.add(action);
        return next(args);
      },
      { step: 'build', name: 'sundialActionRecorder' },
    );
  }

  /** The actions recorded so far, sorted; clears them. */
  take(): string[] {
    const actions = [...this.seen].sort();
    this.seen = new Set();
    return actions;
  }
}

/**
 * The IAM actions that authorize one API operation. DynamoDB authorizes `TransactWriteItems` per item (no action of
 * its own); SQS authorizes `SendMessageBatch` as `sqs:SendMessage`.
 */
function iamActionsOf(service: 'dynamodb' | 'sqs', operation: string, body: unknown): string[] {
  if (service === 'dynamodb' && operation === 'TransactWriteItems') {
    const items = (JSON.parse(String(body)) as { TransactItems: Array<Record<string, unknown>> }).TransactItems;
    const kinds: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };
    return items.map((item) => `dynamodb:${kinds[Object.keys(item)[0]!]}`);
  }
  if (service === 'dynamodb' && operation === 'TransactGetItems') return ['dynamodb:GetItem'];
  if (service === 'sqs' && operation.endsWith('Batch')) return [`sqs:${operation.slice(0, -'Batch'.length)}`];
  return [`${service}:${operation}`];
}
