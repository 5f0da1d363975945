/**
 * The transaction items the public API hands out (`transactItems`, `transactDocumentItems`, `transact`): a job's put,
 * in the low-level or the document format, with the condition that its id is free.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ExpressionBuilder } from './expressions.ts';
import { toJobItem } from './items.ts';
import { createJobCondition } from './write-rules.ts';
import type { JobRecord } from './types.ts';

/** The `@aws-sdk/lib-dynamodb` `TransactWriteCommand` shape of one put (native JavaScript values). */
export interface DocumentTransactPut {
  readonly Put: {
    readonly TableName: string;
    readonly Item: Record<string, unknown>;
    readonly ConditionExpression: string;
    readonly ExpressionAttributeNames: Record<string, string>;
    readonly ExpressionAttributeValues?: Record<string, unknown>;
  };
}

/**
 * One put of a new job for the caller's own DynamoDB transaction, with the same condition as `createJob` (id free or
 * its job ended). `format: 'client'` gives the low-level `@aws-sdk/client-dynamodb` `TransactWriteItem` (marshalled);
 * `'document'` gives the `@aws-sdk/lib-dynamodb` `TransactWriteCommand` item (native values).
 *
 * Unlike `createJob`, a transaction cannot hand back the existing job: when the id is taken by a live job (a `unique`
 * key already in use), the whole transaction fails with `TransactionCanceledException` (reason
 * `ConditionalCheckFailed` at this item's position).
 *
 * @example
 * ```ts
 * await client.send(new TransactWriteItemsCommand({
 *   TransactItems: [myOrderPut, jobPutTransactItem(tableName, { ...job, placement: 'lane' }, 8, 'client')],
 * }));
 * ```
 */
export function jobPutTransactItem(tableName: string, record: JobRecord, shards: number, format: 'client'): TransactWriteItem;
export function jobPutTransactItem(tableName: string, record: JobRecord, shards: number, format: 'document'): DocumentTransactPut;
export function jobPutTransactItem(
  tableName: string,
  record: JobRecord,
  shards: number,
  format: 'client' | 'document',
): TransactWriteItem | DocumentTransactPut {
  const builder = new ExpressionBuilder();
  const ConditionExpression = builder.condition(createJobCondition(record));
  const { ExpressionAttributeNames, ExpressionAttributeValues } = builder.attributes();
  const Item = toJobItem(record, shards) as unknown as Record<string, unknown>;
  if (format === 'document') {
    return { Put: { TableName: tableName, Item, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } };
  }
  return {
    Put: {
      TableName: tableName,
      Item: marshall(Item, { removeUndefinedValues: true }),
      ConditionExpression,
      ExpressionAttributeNames,
      ...(ExpressionAttributeValues ? { ExpressionAttributeValues: marshall(ExpressionAttributeValues) } : {}),
    },
  };
}
