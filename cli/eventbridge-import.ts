/**
 * `sundial import eventbridge [--group NAME] [--apply]`: reads EventBridge Scheduler schedules through the Scheduler
 * API and prints the sundial schedule each becomes; creates them only with `--apply`. AWS expressions carry over
 * unchanged (sundial evaluates `cron(…)` and `rate(…)` itself, in the schedule's time zone).
 *
 * A schedule whose target is a sundial queue (`sundial.scheduleTarget`) keeps its task, payload and options; any other
 * target becomes a task named after the schedule, with the target's input as payload, and a note naming the target:
 * that task must do what the target did.
 */
import { GetScheduleCommand, ListSchedulesCommand, type GetScheduleCommandOutput, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { awsExpressionKind } from '../lib/core/aws-schedule-expression.ts';
import type { ScheduleOptions } from '../lib/options.ts';
import type { Scheduler } from '../lib/scheduler.ts';
import { EVENT_MESSAGE_FORMAT } from '../lib/worker/event-message.ts';

/** One EventBridge schedule and the sundial schedule it becomes (or why it does not). */
export interface ImportedSchedule {
  readonly source: { readonly arn: string; readonly group: string; readonly name: string; readonly expression: string };
  /** Absent when the schedule has no sundial equivalent (`skipped` says why). */
  readonly sundial?: { readonly id: string; readonly task: string; readonly payload: unknown; readonly options: ScheduleOptions; readonly paused: boolean };
  readonly note?: string;
  readonly skipped?: string;
  /** With `--apply`: created, or the error that stopped it. */
  readonly applied?: true | string;
}

/**
 * Reads the schedules (of one group, or all) and maps each; with `apply`, creates the sundial schedules.
 *
 * @example
 * ```ts
 * const report = await importEventBridge({ client: new SchedulerClient({}), group: 'billing' });
 * ```
 */
export async function importEventBridge(options: { client: SchedulerClient; group?: string; apply?: Scheduler }): Promise<ImportedSchedule[]> {
  const imported: ImportedSchedule[] = [];
  let NextToken: string | undefined;
  do {
    const page = await options.client.send(new ListSchedulesCommand({ ...(options.group ? { GroupName: options.group } : {}), ...(NextToken ? { NextToken } : {}) }));
    for (const summary of page.Schedules ?? []) {
      const schedule = await options.client.send(new GetScheduleCommand({ Name: summary.Name!, GroupName: summary.GroupName! }));
      imported.push(await applied(mapSchedule(schedule), options.apply));
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return imported;
}

/**
 * The sundial equivalent of one EventBridge Scheduler schedule.
 *
 * @example
 * ```ts
 * mapSchedule({ Name: 'report', GroupName: 'default', ScheduleExpression: 'cron(0 9 ? * MON *)', ScheduleExpressionTimezone: 'Europe/Rome', Target: { Arn, RoleArn, Input: '{}' } });
 * ```
 */
export function mapSchedule(schedule: Pick<GetScheduleCommandOutput, 'Arn' | 'Name' | 'GroupName' | 'ScheduleExpression' | 'ScheduleExpressionTimezone' | 'State' | 'StartDate' | 'EndDate' | 'Target'>): ImportedSchedule {
  const group = schedule.GroupName ?? 'default';
  const name = schedule.Name ?? '';
  const expression = schedule.ScheduleExpression ?? '';
  const source = { arn: schedule.Arn ?? '', group, name, expression };
  const kind = awsExpressionKind(expression);
  if (kind === 'at') return { source, skipped: 'a one-time schedule: enqueue a job with { at } instead (sundial schedules recur)' };
  if (kind === undefined) return { source, skipped: `expression ${JSON.stringify(expression)} is not cron(…) or rate(…)` };
  let input: unknown = {};
  try {
    input = schedule.Target?.Input === undefined ? {} : JSON.parse(schedule.Target.Input);
  } catch {
    input = schedule.Target?.Input; // a text input stays a string payload
  }
  const message = typeof input === 'object' && input !== null && (input as { sundial?: string }).sundial === EVENT_MESSAGE_FORMAT
    ? (input as { task: string; payload?: unknown; options?: { queue?: string; maxAttempts?: number } })
    : undefined;
  const recurrence = kind === 'rate' ? { every: expression } : { cron: expression, timezone: schedule.ScheduleExpressionTimezone ?? 'UTC' };
  const options: ScheduleOptions = {
    ...recurrence,
    ...(schedule.StartDate ? { startAt: new Date(schedule.StartDate) } : {}),
    ...(schedule.EndDate ? { endAt: new Date(schedule.EndDate) } : {}),
    ...(message?.options?.queue ? { queue: message.options.queue } : {}),
    ...(message?.options?.maxAttempts ? { maxAttempts: message.options.maxAttempts } : {}),
  };
  const id = group === 'default' ? name : `${group}.${name}`;
  return {
    source,
    sundial: { id, task: message?.task ?? name, payload: message ? (message.payload ?? {}) : input, options, paused: schedule.State === 'DISABLED' },
    ...(message ? {} : { note: `target ${schedule.Target?.Arn ?? '?'} is not a sundial queue: define a task "${name}" (defineTask) that does what it did` }),
  };
}

async function applied(entry: ImportedSchedule, scheduler: Scheduler | undefined): Promise<ImportedSchedule> {
  if (!scheduler || !entry.sundial) return entry;
  const { id, task, payload, options, paused } = entry.sundial;
  try {
    await scheduler.schedule(id, task, payload, options);
    if (paused) await scheduler.pause(id);
    return { ...entry, applied: true };
  } catch (error) {
    return { ...entry, applied: `${(error as Error).name}: ${(error as Error).message}` };
  }
}
