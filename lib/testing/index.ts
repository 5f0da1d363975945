/**
 * `sundial-scheduler/testing`: an in-memory sundial with a controllable clock for your own unit tests. No emulator,
 * no Java, no AWS.
 *
 * @example
 * ```ts
 * import { createTestScheduler } from 'sundial-scheduler/testing';
 * const t = createTestScheduler({ tasks: [sendEmail], now: '2026-12-07T08:00:00Z' });
 * await sendEmail.enqueue({ to: 'ada@example.com' }, { in: '10m' });
 * await t.advanceBy('10m');
 * t.runs('send-email'); // [{ payload: { to: 'ada@example.com' }, outcome: 'completed', … }]
 * ```
 */
export { createTestScheduler } from './test-scheduler.ts';
export type { TaskRun, TestScheduler, TestSchedulerOptions } from './test-scheduler.ts';
