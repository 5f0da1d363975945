/**
 * What each caller of the table may do, as the library's calls need it (test/reliability/iam-grants.test.ts records
 * the calls against the local stack and compares): the one place the construct's DynamoDB and SQS grants are spelled.
 */
import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { JOB_PARTITION_PREFIX, SCHEDULE_PARTITION } from '../lib/store/items.ts';
import { TABLE_SCHEMA } from '../lib/store/schema.ts';

/** A role's access to the table: item actions on the table, and `Query` on the `due` index when it sweeps. */
export interface TableAccess {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** Queries the `due` index (the sweeper's read path). */
  readonly dueIndex: boolean;
  /** Partition keys its writes may touch (`dynamodb:LeadingKeys`); absent: any item of the table. */
  readonly leadingKeys?: readonly string[];
}

/**
 * The accesses by role.
 * - `enqueue`: `enqueue`/`enqueueMany` (put, batch write), `transact`, `schedule`/`pause`/`resume` (update),
 *   `cancel` (update a job, delete a schedule), `retry`; reads by key only. Writes only job and schedule items, never
 *   the sweeper's lease and cursors.
 * - `read`: `get`, `getSchedule` (get), `list`, `listSchedules` (query the table's own partitions, not the index).
 * - `sweeper`: lease and cursors (update), schedule advances (update), lanes (update), index queries, schedules (get),
 *   ticks (put; query of their partitions, and of the schedules when ticks may have expired).
 * - `consumer`: the first claim of an occurrence or an EventBridge event (a conditional put of the claimed job, after a
 *   get of the schedule), claim and outcome (update), the missing-job wait (get).
 */
export const TABLE_ACCESS = {
  enqueue: {
    reads: ['dynamodb:GetItem'],
    writes: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    dueIndex: false,
    leadingKeys: [`${JOB_PARTITION_PREFIX}*`, SCHEDULE_PARTITION],
  },
  read: { reads: ['dynamodb:GetItem', 'dynamodb:Query'], writes: [], dueIndex: false },
  sweeper: { reads: ['dynamodb:GetItem', 'dynamodb:Query'], writes: ['dynamodb:UpdateItem', 'dynamodb:PutItem'], dueIndex: true },
  consumer: { reads: ['dynamodb:GetItem'], writes: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], dueIndex: false },
} as const satisfies Record<string, TableAccess>;

/**
 * Grants `access` on `table` (and decrypt, or encrypt too when it writes, on the table's customer key).
 *
 * @example
 * ```ts
 * grantTableAccess(apiFunction, table, TABLE_ACCESS.enqueue, key);
 * ```
 */
export function grantTableAccess(grantee: iam.IGrantable, table: dynamodb.ITable, access: TableAccess, key?: kms.IKey): iam.Grant {
  const grants = [
    iam.Grant.addToPrincipal({ grantee, actions: [...access.reads], resourceArns: [table.tableArn] }),
  ];
  if (access.writes.length > 0) {
    grants.push(
      iam.Grant.addToPrincipal({
        grantee,
        actions: [...access.writes],
        resourceArns: [table.tableArn],
        ...(access.leadingKeys
          ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.leadingKeys] } } }
          : {}),
      }),
    );
  }
  if (access.dueIndex) {
    const indexArn = Stack.of(table).formatArn({ service: 'dynamodb', resource: 'table', resourceName: `${table.tableName}/index/${TABLE_SCHEMA.dueIndex.name}` });
    grants.push(iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: [indexArn] }));
  }
  if (key) grants.push(access.writes.length > 0 ? key.grantEncryptDecrypt(grantee) : key.grantDecrypt(grantee));
  return grants.reduce((all, grant) => all.combine(grant));
}

/**
 * Lets `grantee` send to `queue` (`sqs:SendMessage`, which also authorizes `SendMessageBatch`), and use the queue's
 * customer key. Unlike `Queue.grantSendMessages`, no `GetQueueAttributes`/`GetQueueUrl`: sundial sends by URL.
 *
 * @example
 * ```ts
 * grantSend(apiFunction, queue);
 * ```
 */
export function grantSend(grantee: iam.IGrantable, queue: sqs.IQueue): iam.Grant {
  const grant = queue.grant(grantee, 'sqs:SendMessage');
  return queue.encryptionMasterKey ? grant.combine(queue.encryptionMasterKey.grantEncryptDecrypt(grantee)) : grant;
}
