/**
 * The local equivalent of EventBridge Scheduler / a scheduled EventBridge rule: delivers to the target on the
 * schedule's own times — `rate(...)` on the period's boundaries (`rate(1 minute)` → every minute at :00), AWS
 * `cron(...)` in the schedule's time zone (sundial's own evaluation, lib/core), `at(...)` once — or every
 * `everySeconds` when tests want a function target fired faster.
 */
import { randomUUID } from 'node:crypto';
import { awsExpressionKind, rateSeconds } from '../../lib/core/aws-schedule-expression.ts';
import { fixedWallTimeInstant } from '../../lib/core/cron.ts';
import { ValidationError } from '../../lib/core/errors.ts';
import { nextOccurrenceMs, recurrenceProblems } from '../../lib/core/recurrence.ts';
import type { ScheduleDefinition } from './deploy.ts';

/** Delivers one firing to the schedule's target: the event, and the reserved variables its input may use. */
export type DeliverFiring = (event: unknown, reserved: Readonly<Record<string, unknown>>) => Promise<unknown>;

/** Seconds-precision ISO time, as EventBridge writes `time` and `<aws.scheduler.scheduled-time>`. */
export function awsTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The event a scheduled firing carries when the target sets no input: the `Scheduled Event` envelope.
 *
 * @example
 * ```ts
 * scheduledEvent(schedule, 'us-east-1', '000000000000', Date.UTC(2026, 0, 1, 12, 0));
 * ```
 */
export function scheduledEvent(schedule: ScheduleDefinition, region: string, account: string, atMs: number): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: schedule.kind === 'scheduler' ? 'aws.scheduler' : 'aws.events',
    account,
    time: awsTime(atMs),
    region,
    resources: [schedule.arn],
    detail: {},
  };
}

/**
 * The reserved variables an input of this firing may use (`<aws.events.rule-arn>`, `<aws.scheduler.scheduled-time>`, …).
 *
 * @example
 * ```ts
 * firingVariables(schedule, event, Date.UTC(2026, 0, 1, 12, 0))['aws.scheduler.scheduled-time']; // '2026-01-01T12:00:00Z'
 * ```
 */
export function firingVariables(schedule: ScheduleDefinition, event: Record<string, unknown>, atMs: number): Record<string, unknown> {
  return schedule.kind === 'scheduler'
    ? {
        'aws.scheduler.schedule-arn': schedule.arn,
        'aws.scheduler.scheduled-time': awsTime(atMs),
        'aws.scheduler.execution-id': String(event.id),
        'aws.scheduler.attempt-number': 1,
      }
    : { 'aws.events.rule-arn': schedule.arn, 'aws.events.rule-name': schedule.name, 'aws.events.event.ingestion-time': awsTime(atMs) };
}

/**
 * When a schedule fires next after `afterMs` (`undefined`: never again).
 *
 * @example
 * ```ts
 * nextFiringMs('cron(0/1 * ? * * *)', 'UTC', Date.UTC(2026, 0, 1, 12, 0, 30)); // Date.UTC(2026, 0, 1, 12, 1)
 * nextFiringMs('rate(5 minutes)', 'UTC', Date.UTC(2026, 0, 1, 12, 1));         // Date.UTC(2026, 0, 1, 12, 5)
 * ```
 */
export function nextFiringMs(expression: string, timezone: string, afterMs: number): number | undefined {
  const kind = awsExpressionKind(expression);
  if (kind === 'at') {
    const wall = /^\s*at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)\s*$/.exec(expression)?.[1];
    if (wall === undefined) throw new ValidationError(`Schedule expression "${expression}": expected at(yyyy-mm-ddThh:mm:ss).`);
    const at = fixedWallTimeInstant(timezone, Date.parse(`${wall}Z`));
    return at > afterMs ? at : undefined;
  }
  const problems = kind === undefined ? [`expected cron(...), rate(...) or at(...)`] : recurrenceProblems({ cron: expression, ...(kind === 'cron' ? { timezone } : {}) });
  if (problems.length > 0) throw new ValidationError(problems.map((p) => `Schedule expression "${expression}": ${p}`));
  if (kind === 'rate') {
    // Boundaries of the period since the epoch: rate(1 minute) fires at every :00, as the managed services do.
    const periodMs = rateSeconds(expression)! * 1000;
    return Math.floor(afterMs / periodMs) * periodMs + periodMs;
  }
  const next = nextOccurrenceMs({ cron: expression, timezone }, afterMs, afterMs);
  return Number.isFinite(next) ? next : undefined;
}

/**
 * Fires one schedule until stopped. `paused` skips firings (the local equivalent of disabling the schedule).
 *
 * @example
 * ```ts
 * const trigger = new ScheduledTrigger(schedule, (event) => fn.invoke(event), { region, account, everySeconds: 1 });
 * trigger.start();
 * ```
 */
export class ScheduledTrigger {
  paused = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** How many times it fired (tests wait on it). */
  fired = 0;

  constructor(
    readonly schedule: ScheduleDefinition,
    private readonly deliver: DeliverFiring,
    private readonly options: { region: string; account: string; everySeconds?: number },
  ) {
    // Fails at boot, not at the first firing, on an expression this stack cannot evaluate.
    nextFiringMs(schedule.expression, schedule.timezone, Date.now());
  }

  start(): void {
    if (!this.schedule.enabled || this.timer !== undefined) return;
    this.arm();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all(this.inFlight);
  }

  private arm(): void {
    const now = Date.now();
    const everyMs = (this.options.everySeconds ?? 0) * 1000;
    const next = everyMs > 0 ? Math.floor(now / everyMs) * everyMs + everyMs : nextFiringMs(this.schedule.expression, this.schedule.timezone, now);
    if (next === undefined) return;
    // setTimeout holds at most ~24.8 days: a later firing re-arms on the way.
    const waitMs = Math.min(next - now, 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      if (Date.now() < next) return this.arm();
      this.arm();
      if (this.paused) return;
      this.fired++;
      const event = scheduledEvent(this.schedule, this.options.region, this.options.account, next);
      const run = this.deliver(event, firingVariables(this.schedule, event, next));
      const tracked = run.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
      this.inFlight.add(tracked);
    }, waitMs);
  }
}
