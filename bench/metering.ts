/**
 * SDK middleware that meters this process's AWS clients: every DynamoDB call that takes it asks for
 * `ReturnConsumedCapacity: 'INDEXES'` and its consumed capacity is added up; every SQS call is counted, and a
 * ReceiveMessage that found nothing is counted apart. The Lambda processes are metered by `metering-proxy.ts`.
 */
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { CAPACITY_OPERATIONS, type Meter } from './meter.ts';

/** `@aws-sdk/lib-dynamodb` command names → the DynamoDB operation they call. */
const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = {
  Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem', TransactGet: 'TransactGetItems', TransactWrite: 'TransactWriteItems',
};

/**
 * The DynamoDB operation behind an SDK command name (`PutItemCommand`, or lib-dynamodb's `PutCommand`).
 *
 * @example
 * ```ts
 * dynamoDbOperation('GetCommand'); // 'GetItem'
 * ```
 */
export function dynamoDbOperation(commandName: string): string {
  const bare = commandName.replace(/Command$/, '');
  return DOCUMENT_COMMANDS[bare] ?? bare;
}

/**
 * Meters a DynamoDB client (and every document client built on it, which shares its middleware stack).
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient({ endpoint });
 * meterDynamoDb(client, meter);
 * ```
 */
export function meterDynamoDb(client: DynamoDBClient, meter: Meter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = dynamoDbOperation(context.commandName ?? 'Unknown');
      const input = args.input as { ReturnConsumedCapacity?: string; ConsistentRead?: boolean };
      if (CAPACITY_OPERATIONS.has(operation)) input.ReturnConsumedCapacity = 'INDEXES';
      const consistentRead = input.ConsistentRead === true;
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
        meter.recordDynamoDb({ operation, consistentRead, consumed: consumed === undefined ? [] : [consumed].flat(), conditionFailed: false });
        return result;
      } catch (error) {
        const conditionFailed = (error as { name?: string }).name === 'ConditionalCheckFailedException';
        meter.recordDynamoDb({ operation, consistentRead, consumed: [], conditionFailed });
        throw error;
      }
    },
    { step: 'initialize', name: 'sundialBenchMeterDynamoDb', override: true },
  );
}

/**
 * Meters an SQS client: requests per operation, and empty receives apart.
 *
 * @example
 * ```ts
 * meterSqs(sqsClient, meter);
 * ```
 */
export function meterSqs(client: SQSClient, meter: Meter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      try {
        const result = await next(args);
        const messages = (result.output as { Messages?: unknown[] }).Messages;
        meter.recordSqs(operation, operation === 'ReceiveMessage' ? (messages?.length ?? 0) : undefined);
        return result;
      } catch (error) {
        meter.recordSqs(operation);
        throw error;
      }
    },
    { step: 'initialize', name: 'sundialBenchMeterSqs', override: true },
  );
}
