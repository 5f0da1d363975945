/**
 * `sundial-scheduler/cdk`: the CDK construct, the stack that holds only it, and the runtime table it checks.
 *
 * @example
 * ```ts
 * import { SundialScheduler } from 'sundial-scheduler/cdk';
 * const sundial = new SundialScheduler(this, 'Sundial', { tasksEntry: 'src/tasks.ts' });
 * sundial.bindTo(ordersFunction);
 * ```
 */
export { SundialScheduler, SUNDIAL_METRICS_NAMESPACE, SUNDIAL_SERVICE_NAME } from './sundial-scheduler.ts';
export type { SundialSchedulerProps, SundialQueueOptions } from './sundial-scheduler.ts';
export type { ProvisionedTableBilling, SundialTableBilling } from './table-billing.ts';
export { SundialStack } from './sundial-stack.ts';
export type { SundialStackProps } from './sundial-stack.ts';
export { DEFAULT_RUNTIME_NAME, NODEJS_RUNTIME_DATES, RUNTIME_DATES_SOURCE } from './lambda-runtimes.ts';
export type { RuntimeDates } from './lambda-runtimes.ts';
