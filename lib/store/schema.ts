/**
 * Names of the table's key attributes and indexes: the one definition shared by the DynamoDB adapter and the CDK
 * construct (infra imports lib, never the other way), so the deployed table and the code that reads it cannot drift.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** The TTL attribute: set when a job ends, so DynamoDB deletes it after the retention period. */
  ttlAttribute: 'expiresAtEpochSec',
  dueIndex: {
    name: 'due',
    partitionKey: 'duePk',
    /** Number: the due time in epoch ms. */
    sortKey: 'dueSk',
    /** Non-key attributes the sweeper reads from the index; they never change after the item is written. */
    projectedAttributes: ['queue'],
  },
} as const;
