/**
 * How the construct's table is billed. On-demand (the default) bills each request and follows any burst at once.
 * Provisioned capacity bills capacity by the hour, and Application Auto Scaling keeps it near a target utilization:
 * in us-east-1 a write unit-hour ($0.00065) holds 3,600 writes, so a million writes cost $0.18 at full use and $0.26
 * at the default 70 %, against $0.625 on demand. It suits a steady job rate; a rise beyond the capacity is throttled
 * until auto scaling catches up (minutes), which the SDK's retries and SQS's redelivery absorb as lateness, as they do
 * any refused call. docs/performance.md prices both for the measured write units.
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/** Provisioned capacity with auto scaling, for the table and for its `due` index each. */
export interface ProvisionedTableBilling {
  readonly mode: 'provisioned';
  /** Most write capacity units auto scaling may set (each of the table and its index). */
  readonly maxWriteCapacity: number;
  /** Most read capacity units auto scaling may set (each of the table and its index). */
  readonly maxReadCapacity: number;
  /**
   * Fewest write capacity units (each of the table and its index): the capacity an idle scheduler pays for.
   *
   * @default 1
   */
  readonly minWriteCapacity?: number;
  /**
   * Fewest read capacity units (each of the table and its index).
   *
   * @default 1
   */
  readonly minReadCapacity?: number;
  /**
   * Consumed capacity, as a percentage of provisioned, that auto scaling keeps (20–90). Higher is cheaper and leaves
   * less headroom for a rise before scaling catches up.
   *
   * @default 70
   */
  readonly targetUtilizationPercent?: number;
}

/** `SundialSchedulerProps.tableBilling`: on-demand (per request) or provisioned capacity with auto scaling. */
export type SundialTableBilling = { readonly mode: 'on-demand' } | ProvisionedTableBilling;

/** The target utilization auto scaling keeps when `targetUtilizationPercent` is left out (AWS's console default). */
export const DEFAULT_TARGET_UTILIZATION_PERCENT = 70;
/**
 * The billing part of the table's props and of its index's: `PAY_PER_REQUEST`, or `PROVISIONED` starting at the
 * minimum capacity (auto scaling raises it from there).
 *
 * @example
 * ```ts
 * new dynamodb.Table(this, 'Table', { ...keys, ...tableBillingProps({ mode: 'on-demand' }) });
 * ```
 */
export function tableBillingProps(billing: SundialTableBilling): Pick<dynamodb.TableProps, 'billingMode' | 'readCapacity' | 'writeCapacity'> {
  if (billing.mode === 'on-demand') return { billingMode: dynamodb.BillingMode.PAY_PER_REQUEST };
  return { billingMode: dynamodb.BillingMode.PROVISIONED, readCapacity: billing.minReadCapacity ?? 1, writeCapacity: billing.minWriteCapacity ?? 1 };
}

/**
 * Auto scaling of reads and writes, on target utilization, for the table and each of `indexNames` (nothing for
 * on-demand).
 *
 * @example
 * ```ts
 * autoScaleTable(table, ['due'], { mode: 'provisioned', maxWriteCapacity: 100, maxReadCapacity: 50 });
 * ```
 */
export function autoScaleTable(table: dynamodb.Table, indexNames: readonly string[], billing: SundialTableBilling): void {
  if (billing.mode === 'on-demand') return;
  const targetUtilizationPercent = billing.targetUtilizationPercent ?? DEFAULT_TARGET_UTILIZATION_PERCENT;
  const writes = { minCapacity: billing.minWriteCapacity ?? 1, maxCapacity: billing.maxWriteCapacity };
  const reads = { minCapacity: billing.minReadCapacity ?? 1, maxCapacity: billing.maxReadCapacity };
  table.autoScaleWriteCapacity(writes).scaleOnUtilization({ targetUtilizationPercent });
  table.autoScaleReadCapacity(reads).scaleOnUtilization({ targetUtilizationPercent });
  for (const indexName of indexNames) {
    table.autoScaleGlobalSecondaryIndexWriteCapacity(indexName, writes).scaleOnUtilization({ targetUtilizationPercent });
    table.autoScaleGlobalSecondaryIndexReadCapacity(indexName, reads).scaleOnUtilization({ targetUtilizationPercent });
  }
}
