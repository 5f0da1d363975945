/**
 * Recurring schedules: a cron expression in an IANA time zone, or a fixed interval.
 */
import type { DurationInput } from './duration.ts';

/** The stored rule of a schedule: cron in a zone, or an interval in whole seconds. */
export type RecurrenceRule = { readonly cron: string; readonly timezone: string } | { readonly everySec: number };

/** A recurring spec as callers write it: exactly one of `cron` (with optional `timezone`, default UTC) and `every`. */
export interface RecurringSpec {
  cron?: string;
  timezone?: string;
  every?: DurationInput;
  startAt?: Date | string;
  endAt?: Date | string;
  maxRuns?: number;
}

/** A validated recurring spec. */
export interface NormalizedRecurrence {
  rule: RecurrenceRule;
  startAtMs?: number;
  endAtMs?: number;
  maxRuns?: number;
}
