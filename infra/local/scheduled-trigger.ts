/**
 * The local equivalent of EventBridge Scheduler / a scheduled EventBridge rule: invokes the target function on the
 * schedule's boundaries (`rate(1 minute)` → every minute at :00), or every `everySeconds` when tests want it faster.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../lib/core/errors.ts';
import type { ScheduleDefinition } from './deploy.ts';
import type { LocalFunction } from './lambda-runtime.ts';

const UNIT_SECONDS: Record<string, number> = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 };

/**
 * The period of a `rate(...)` expression in seconds.
 *
 * @example
 * ```ts
 * ratePeriodSec('rate(5 minutes)'); // 300
 * ```
 */
export function ratePeriodSec(expression: string): number {
  const match = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (match === null) {
    throw new ValidationError(
      `Schedule expression "${expression}" is not supported locally; expected rate(<n> minute|minutes|hour|hours|day|days).`,
    );
  }
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/**
 * The event a scheduled invocation carries: the target's `Input` when set, else the `Scheduled Event` envelope.
 *
 * @example
 * ```ts
 * scheduledEvent(schedule, 'us-east-1', '000000000000', Date.UTC(2026, 0, 1, 12, 0));
 * ```
 */
export function scheduledEvent(schedule: ScheduleDefinition, region: string, account: string, atMs: number): unknown {
  if (schedule.input !== undefined) return schedule.input;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: schedule.kind === 'scheduler' ? 'aws.scheduler' : 'aws.events',
    account,
    time: new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [schedule.arn],
    detail: {},
  };
}

/**
 * Fires one schedule until stopped. `paused` skips ticks (the local equivalent of disabling the schedule).
 *
 * @example
 * ```ts
 * const trigger = new ScheduledTrigger(schedule, fn, { region, account, everySeconds: 1 });
 * trigger.start();
 * ```
 */
export class ScheduledTrigger {
  paused = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly periodMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** How many times it fired (tests wait on it). */
  fired = 0;

  constructor(
    readonly schedule: ScheduleDefinition,
    readonly fn: LocalFunction,
    private readonly options: { region: string; account: string; everySeconds?: number },
  ) {
    this.periodMs = (options.everySeconds ?? ratePeriodSec(schedule.expression)) * 1000;
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
    // Boundaries of the period since the epoch: rate(1 minute) fires at every :00, as the managed services do.
    const next = Math.floor(now / this.periodMs) * this.periodMs + this.periodMs;
    this.timer = setTimeout(() => {
      this.arm();
      if (this.paused) return;
      this.fired++;
      const run = this.fn.invoke(scheduledEvent(this.schedule, this.options.region, this.options.account, next));
      const tracked = run.finally(() => this.inFlight.delete(tracked));
      this.inFlight.add(tracked);
    }, next - now);
  }
}
