/**
 * The public shapes of jobs and schedules, and their mapping from the storage records. Callers see `Date`s and parsed
 * payloads; the store keeps epoch milliseconds and JSON strings.
 */
import type { AttemptEntry, JobRecord, JobState, MisfirePolicy, OverlapPolicy, ScheduleRecord, StoredError } from './store/types.ts';

/**
 * A job as `enqueue`, `get` and `list` return it.
 *
 * @example
 * ```ts
 * const job: Job<{ to: string }> = await scheduler.enqueue('send-email', { to: 'a@b.c' }, { in: '5m' });
 * job.state; // 'scheduled'
 * ```
 */
export interface Job<P = unknown, R = unknown> {
  readonly id: string;
  readonly task: string;
  readonly queue: string;
  readonly payload: P;
  readonly state: JobState;
  readonly dueAt: Date;
  /** Attempts started so far. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When the message for the current due time was handed to SQS, if known. */
  readonly sentAt?: Date;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  /** The last few attempts (epoch ms), newest last: due, started, ended, outcome and error. */
  readonly attempts?: readonly AttemptEntry[];
  readonly result?: R;
  /** Set instead of `result` when the task's return value could not be stored (too large for the item, or not JSON). */
  readonly resultDropped?: string;
  readonly lastError?: StoredError;
  readonly uniqueKey?: string;
  readonly scheduleId?: string;
}

/**
 * A recurring schedule as `schedule`, `getSchedule`, `pause` and `resume` return it.
 *
 * @example
 * ```ts
 * const s: Schedule = await scheduler.schedule('weekly-report', 'rebuild-report', {}, { cron: '0 9 * * MON', timezone: 'America/New_York' });
 * s.nextRunAt; // the next Monday 09:00 in New York, as a UTC instant
 * ```
 */
export interface Schedule<P = unknown> {
  readonly id: string;
  readonly task: string;
  readonly queue: string;
  readonly payload: P;
  readonly cron?: string;
  readonly timezone?: string;
  /** Interval in seconds, for `every` schedules. */
  readonly every?: number;
  /** Absent when the schedule has ended (endAt or maxRuns reached). */
  readonly nextRunAt?: Date;
  readonly paused: boolean;
  readonly misfire: MisfirePolicy;
  readonly overlap: OverlapPolicy;
  readonly runs: number;
  readonly maxRuns?: number;
  readonly startAt?: Date;
  readonly endAt?: Date;
  readonly lastRunAt?: Date;
  readonly lastJobId?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

/**
 * Maps a stored job to the public shape (dates as `Date`, payload and result parsed).
 */
export function toJob<P = unknown, R = unknown>(record: JobRecord): Job<P, R> {
  return stripUndefined({
    id: record.id,
    task: record.task,
    queue: record.queue,
    payload: JSON.parse(record.payload) as P,
    state: record.state,
    dueAt: new Date(record.dueAtMs),
    attempt: record.attempt,
    maxAttempts: record.maxAttempts,
    createdAt: new Date(record.createdAtMs),
    updatedAt: new Date(record.updatedAtMs),
    sentAt: date(record.sentAtMs),
    startedAt: date(record.startedAtMs),
    finishedAt: date(record.finishedAtMs),
    attempts: record.attempts,
    result: record.result === undefined ? undefined : (JSON.parse(record.result) as R),
    ...(record.resultDropped === undefined ? {} : { resultDropped: record.resultDropped }),
    lastError: record.lastError,
    uniqueKey: record.uniqueKey,
    scheduleId: record.scheduleId,
  });
}

/**
 * Maps a stored schedule to the public shape (`cron` + `timezone`, or `every` in seconds).
 */
export function toSchedule<P = unknown>(record: ScheduleRecord): Schedule<P> {
  const rule = record.recurrence;
  return stripUndefined({
    id: record.id,
    task: record.task,
    queue: record.queue,
    payload: JSON.parse(record.payload) as P,
    ...('cron' in rule ? { cron: rule.cron, timezone: rule.timezone } : { every: rule.everySec }),
    nextRunAt: date(record.nextRunAtMs),
    paused: record.paused,
    misfire: record.misfire,
    overlap: record.overlap,
    runs: record.runs,
    maxRuns: record.maxRuns,
    startAt: date(record.startAtMs),
    endAt: date(record.endAtMs),
    lastRunAt: date(record.lastRunAtMs),
    lastJobId: record.lastJobId,
    createdAt: new Date(record.createdAtMs),
    updatedAt: new Date(record.updatedAtMs),
  });
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
