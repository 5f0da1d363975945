/**
 * sundial — a serverless job scheduler for AWS. The public API (DESIGN §5).
 *
 * @example
 * ```ts
 * import { Scheduler, defineTask } from 'sundial-scheduler';
 * const scheduler = Scheduler.fromEnv();
 * await scheduler.enqueue('send-email', { to: 'ada@example.com' }, { in: '10m' });
 * ```
 */
export { Scheduler, defaultScheduler, setDefaultScheduler } from './scheduler.ts';
export type {
  SchedulerOptions, AwsSchedulerOptions, CustomSchedulerOptions, JobRequest, EnqueueManyResult, ListOptions, TransactFormatOptions,
} from './scheduler.ts';
export { defineTask } from './tasks/define-task.ts';
export type { Task, WithScheduler } from './tasks/define-task.ts';
export type { TaskContext, TaskHandler, TaskLogger } from './tasks/registry.ts';
export type { Job, Schedule } from './model.ts';
export type { EnqueueOptions, ScheduleOptions, JobOptions } from './options.ts';
export type { JobState, MisfirePolicy, OverlapPolicy, JobStore, Page } from './store/types.ts';
export type { JobQueue, JobMessage } from './queue/types.ts';
export type { DocumentTransactPut } from './store/transaction-items.ts';
export { MemoryJobStore } from './store/memory-store.ts';
export { DynamoDbJobStore } from './store/dynamodb-store.ts';
export { MemoryJobQueue } from './queue/memory-queue.ts';
export { SqsJobQueue } from './queue/sqs-queue.ts';
export { nextRuns } from './core/recurrence.ts';
export type { RecurringSpec } from './core/recurrence.ts';
export type { DurationInput } from './core/duration.ts';
export type { BackoffSpec } from './core/backoff.ts';
export type { Clock } from './core/clock.ts';
export { systemClock } from './clock.ts';
export {
  SundialError, ValidationError, NotFoundError, ConflictError, MessageSendError, DispatchError, ConfigurationError, TaskTimeoutError,
} from './core/errors.ts';
