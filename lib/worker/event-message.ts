/**
 * Jobs from EventBridge. A rule (`sundial.ruleTarget`) or an EventBridge Scheduler schedule (`sundial.scheduleTarget`)
 * sends its event straight into a sundial queue, shaped by an input transformer into an *event message*; the consumer
 * creates the job on first receipt. No function runs in between: per job, this path costs what the direct path costs
 * (docs/performance.md, `eventbridge` row).
 *
 * EventBridge delivers at least once. The job id derives from the rule or schedule, the task and the event's id (a
 * schedule's occurrence time), and the job is written only if that id was never used, so a redelivered event finds
 * its job and the claim turns it away.
 */
import { ValidationError } from '../core/errors.ts';
import { Scheduler } from '../scheduler.ts';
import type { WorkerDeps, InvocationLimits } from './deps.ts';
import { MAX_EARLY_WAIT_MS } from './deps.ts';
import type { MessageReceipt } from '../queue/types.ts';
import { handleJobMessage, type MessageOutcome } from './handle-job-message.ts';
import { claimedRecord } from '../store/write-rules.ts';

/** The `sundial` field of an event message: its format and version. */
export const EVENT_MESSAGE_FORMAT = 'eventbridge/1';

/** What an input transformer writes into the queue. */
export interface EventMessage {
  readonly task: string;
  /** The rule's or schedule's ARN. */
  readonly source: string;
  /** The event's id (a rule), or the occurrence's scheduled time (a schedule). */
  readonly eventId: string;
  /** When the event happened (ISO 8601): `in` counts from it, so a late redelivery does not push the job later. */
  readonly time: string;
  readonly payload: unknown;
  readonly options: { readonly queue?: string; readonly inSec?: number; readonly maxAttempts?: number };
}

/**
 * The event message in a body, or `undefined` when the body is not one (then it is a job message). A body that says
 * it is an event message but lacks a field throws `ValidationError` naming every missing field.
 *
 * @example
 * ```ts
 * parseEventMessage('{"v":1,"id":"j_1","dueAtMs":1,"sentAtMs":1}'); // undefined
 * ```
 */
export function parseEventMessage(body: string): EventMessage | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || parsed.sundial !== EVENT_MESSAGE_FORMAT) return undefined;
  const problems = (['task', 'source', 'eventId', 'time'] as const)
    .filter((key) => typeof parsed[key] !== 'string' || parsed[key] === '')
    .map((key) => `\`${key}\`: received ${JSON.stringify(parsed[key])}; expected a non-empty string (the target's input transformer sets it)`);
  if (Number.isNaN(Date.parse(String(parsed.time)))) problems.push(`\`time\`: received ${JSON.stringify(parsed.time)}; expected an ISO 8601 time`);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => `event message: ${p}`));
  return {
    task: parsed.task as string,
    source: parsed.source as string,
    eventId: parsed.eventId as string,
    time: parsed.time as string,
    payload: parsed.payload ?? null,
    options: (parsed.options ?? {}) as EventMessage['options'],
  };
}

/**
 * The `unique` key of an event's job: one job per (rule or schedule, task, event).
 *
 * @example
 * ```ts
 * eventJobKey({ source: 'arn:aws:events:…:rule/orders', task: 'announce', eventId: 'b1c9…' }); // 'eventbridge:announce:arn:…:b1c9…'
 * ```
 */
export function eventJobKey(message: Pick<EventMessage, 'source' | 'task' | 'eventId'>): string {
  // '#' is the one character a unique key may not hold; ARNs and event ids never contain it, but a custom id could.
  return `eventbridge:${message.task}:${message.source}:${message.eventId}`.replaceAll('#', '%23');
}

/**
 * Runs the event's job in this invocation when it is due now (the event's message is its message): the first claim
 * creates the job already claimed, one write (`createClaimedJob`, on condition that no job ever had its id). A job due
 * later is sent or put in its bucket like any enqueued job and this message acknowledged.
 *
 * @example
 * ```ts
 * const event = parseEventMessage(record.body);
 * if (event) await handleEventMessage(event, deps, { deadlineMs });
 * ```
 */
export async function handleEventMessage(
  message: EventMessage,
  deps: WorkerDeps,
  limits: InvocationLimits,
  receipt: MessageReceipt = {},
): Promise<MessageOutcome> {
  const scheduler = new Scheduler({ store: deps.store, queue: deps.queue, clock: deps.clock, random: deps.random });
  const dueAtMs = Date.parse(message.time) + (message.options.inSec ?? 0) * 1000;
  const options = {
    unique: eventJobKey(message),
    ...(message.options.queue === undefined ? {} : { queue: message.options.queue }),
    ...(message.options.maxAttempts === undefined ? {} : { maxAttempts: message.options.maxAttempts }),
  };
  if (dueAtMs > deps.clock.nowMs() + MAX_EARLY_WAIT_MS) {
    const { job, created } = await scheduler.recordEventJob(message.task, message.payload, { ...options, at: new Date(dueAtMs) });
    if (!created) deps.logger.info('Event delivered again: its job exists', { jobId: job.id, eventId: message.eventId });
    return 'acknowledged';
  }
  // Due at the event's own due time, so every delivery of the event carries the same one and the claim rules hold.
  const record = { ...scheduler.eventJobRecord(message.task, message.payload, options), dueAtMs };
  const sentAtMs = deps.clock.nowMs();
  return handleJobMessage(
    { v: 1, id: record.id, dueAtMs, sentAtMs },
    deps,
    limits,
    receipt,
    async (lease) => {
      const claim = await deps.store.createClaimedJob(claimedRecord({ ...record, sentAtMs }, lease));
      if (!claim.claimed && claim.current) deps.logger.info('Event delivered again: its job exists', { jobId: record.id, eventId: message.eventId });
      return claim;
    },
  );
}
