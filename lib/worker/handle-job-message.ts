/**
 * The per-message logic of the consumer: wait for the due time, claim, run, record. It turns SQS's at-least-once
 * delivery into "effectively once per attempt": every duplicate loses the claim's conditional write.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { sendJobMessages } from '../queue/send-job-messages.ts';
import type { JobMessage, MessageReceipt } from '../queue/types.ts';
import { claimOccurrence, type FirstClaimResult } from '../schedules/occurrence-claim.ts';
import type { ClaimLease, JobRecord } from '../store/types.ts';
import { newWriteToken } from '../store/write-tokens.ts';
import { getTaskDefinition, registeredTaskNames, withTaskDefaults, type TaskContext } from '../tasks/registry.ts';
import { recordFailure, recordSuccess, toStoredError, type RecordedOutcome } from './attempt-outcome.ts';
import {
  INVOCATION_SAFETY_MARGIN_MS,
  LEASE_MARGIN_MS,
  MAX_EARLY_WAIT_MS,
  MIN_TASK_TIME_MS,
  MISSING_JOB_POLL_MS,
  MISSING_JOB_WAIT_MS,
  ORPHAN_GRACE_MS,
  WORKER_METRICS,
  type InvocationLimits,
  type WorkerDeps,
} from './deps.ts';
import { AttemptsExhaustedError, MessageDeferredError, UnknownTaskError } from './errors.ts';
import { decideLostClaim } from './lost-claim.ts';
import { runWithTimeout } from './run-task.ts';

/** What became of one message; anything but a thrown error acknowledges it. */
export type MessageOutcome =
  | RecordedOutcome
  /** a duplicate, stale or ended message */
  | 'acknowledged'
  /** a lost retry message was sent again (crash repair) */
  | 'resent'
  /** an orphan message past its grace */
  | 'dropped';

/**
 * The first claim of a message whose job may have no record yet: it creates the job already claimed (one write), or
 * returns the existing item for the normal claim rules. A schedule's occurrence gets one by itself (its message says
 * so); an EventBridge event passes its own.
 */
export type FirstClaim = (lease: ClaimLease) => Promise<FirstClaimResult>;

/**
 * Handles one job message. A schedule's occurrence (`message.occurrence`), or a message given a `firstClaim`, creates its
 * job in the first claim (`FirstClaim`). Resolves when the message may be deleted (the attempt's outcome is written, or the
 * message is a duplicate); rejects (typically `MessageDeferredError`) when SQS should deliver it again.
 *
 * @example
 * ```ts
 * const outcome = await handleJobMessage(parseJobMessage(record.body), deps, { deadlineMs: nowMs + context.getRemainingTimeInMillis() });
 * ```
 */
export async function handleJobMessage(
  message: JobMessage,
  deps: WorkerDeps,
  limits: InvocationLimits,
  receipt: MessageReceipt = {},
  firstClaim?: FirstClaim,
): Promise<MessageOutcome> {
  const log = deps.logger.createChild({ persistentKeys: { jobId: message.id, dueAt: new Date(message.dueAtMs).toISOString() } });
  const earlyMs = message.dueAtMs - deps.clock.nowMs();
  if (earlyMs > MAX_EARLY_WAIT_MS) {
    // SQS never delivers before the delay: only a skewed sender clock gets here. Holding a Lambda that long costs more
    // than one more receive.
    throw new MessageDeferredError(message.id, `it arrived ${earlyMs} ms before its due time`, {
      retryAfterSec: Math.ceil(earlyMs / 1000),
    });
  }
  if (earlyMs > 0) {
    // With 'second' precision senders round delays up, so only a sender that rounded down (or a skewed clock) gets
    // here: the message goes back to the queue for the rest, rather than holding a billed Lambda while it waits.
    if (deps.queue.precision === 'second') {
      throw new MessageDeferredError(message.id, `it arrived ${earlyMs} ms before its due time`, {
        retryAfterSec: Math.ceil(earlyMs / 1000),
      });
    }
    await deps.sleep(earlyMs);
  }

  const orphanGraceMs = deps.orphanGraceMs ?? ORPHAN_GRACE_MS;
  const occurrence = message.occurrence;
  let create: FirstClaim | undefined =
    firstClaim ??
    (occurrence &&
      ((lease) =>
        claimOccurrence(deps.store, message, occurrence, lease, { clock: deps.clock, sleep: deps.sleep, pollMs: MISSING_JOB_POLL_MS, untilMs: missingJobWaitEnd(deps, limits) })));
  for (let tries = 0; ; tries++) {
    const nowMs = deps.clock.nowMs();
    const taskBudgetMs = limits.deadlineMs - INVOCATION_SAFETY_MARGIN_MS - nowMs;
    if (taskBudgetMs < MIN_TASK_TIME_MS) {
      throw new MessageDeferredError(message.id, `only ${Math.max(0, limits.deadlineMs - nowMs)} ms were left in this invocation`, {
        retryAfterSec: 0,
      });
    }
    // The job's own timeout is unknown before the claim returns the item; a lease up to the invocation's end (less the
    // safety margin, which covers the lease margin) is never shorter than the attempt and never outlives the
    // invocation, so a crashed consumer's message, visible again only after the function timeout, finds it expired.
    const lease = { nowMs, leaseUntilMs: nowMs + taskBudgetMs + LEASE_MARGIN_MS, token: newWriteToken() };
    const created = create;
    create = undefined;
    const claim = created ? await created(lease) : await deps.store.claimJob(message.id, { dueAtMs: message.dueAtMs, ...lease });
    if (claim.claimed) return runAttempt(claim.job, deps, log, limits);
    if ('gone' in claim) {
      log.info(`Message acknowledged without running: ${claim.gone}`);
      return 'acknowledged';
    }

    const decision = decideLostClaim(message, claim.current, nowMs, orphanGraceMs, receipt);
    // The job existed when the first claim tried to create it: a duplicate or ended job is settled by its item, anything
    // else (a lease to take over, a retry waiting) goes through the normal claim.
    if (created && decision.action !== 'acknowledge') continue;
    switch (decision.action) {
      case 'acknowledge':
        log.info(`Message acknowledged without running: ${decision.reason}`);
        return 'acknowledged';
      case 'drop':
        log.warn(`Message dropped: ${decision.reason}`);
        return 'dropped';
      case 'resend':
        await sendJobMessages(deps.queue, [{ id: decision.job.id, queue: decision.job.queue, dueAtMs: decision.job.dueAtMs }], nowMs);
        log.warn(`Message sent again for the job's due time: ${decision.reason}`);
        return 'resent';
      case 'retry-later':
        throw new MessageDeferredError(message.id, decision.reason);
      case 'wait-for-job':
        // The enqueue sends before it writes, and under load the write can trail the message: wait for it here, then
        // claim again. Only if it is still missing does the message go back to the queue, for a delay that grows with
        // its receive count so that it outlives the orphan grace before the redrive policy's maxReceiveCount.
        if (tries > 0 || !(await waitForJob(message.id, deps, limits))) {
          throw new MessageDeferredError(message.id, decision.reason, { retryAfterSec: decision.retryAfterSec });
        }
        break;
    }
  }
}

/** Polls until the job exists (true) or the wait, or the invocation, runs out (false). */
async function waitForJob(id: string, deps: WorkerDeps, limits: InvocationLimits): Promise<boolean> {
  const until = missingJobWaitEnd(deps, limits);
  while (deps.clock.nowMs() < until) {
    await deps.sleep(MISSING_JOB_POLL_MS);
    if (await deps.store.getJob(id)) return true;
  }
  return false;
}

/** The end of a wait for a missing record: `MISSING_JOB_WAIT_MS`, leaving the task its minimum time in the invocation. */
function missingJobWaitEnd(deps: WorkerDeps, limits: InvocationLimits): number {
  return Math.min(deps.clock.nowMs() + MISSING_JOB_WAIT_MS, limits.deadlineMs - INVOCATION_SAFETY_MARGIN_MS - MIN_TASK_TIME_MS);
}

/** Runs the claimed attempt and records its outcome. */
async function runAttempt(claimed: JobRecord, deps: WorkerDeps, log: Logger, limits: InvocationLimits): Promise<MessageOutcome> {
  const definition = getTaskDefinition(claimed.task);
  const job = definition ? withTaskDefaults(claimed, definition) : claimed;
  const startedAtMs = job.startedAtMs ?? deps.clock.nowMs();
  const latenessMs = Math.max(0, startedAtMs - job.dueAtMs);
  log.appendKeys({ task: job.task, attempt: job.attempt, maxAttempts: job.maxAttempts, latenessMs });
  deps.metrics.addMetric(WORKER_METRICS.started, MetricUnit.Count, 1);
  deps.metrics.addMetric(WORKER_METRICS.latenessMs, MetricUnit.Milliseconds, latenessMs);
  // At DEBUG: the outcome line ("Job completed", or the failure's) carries the same keys, so INFO logs one line per
  // attempt. CloudWatch Logs bills every byte ingested; this line was a third of a job's log bytes (docs/performance.md).
  log.debug('Job started');

  if (!definition) {
    return recordFailure(job, new UnknownTaskError(job.task, registeredTaskNames()), deps, log, { retry: false });
  }
  if (job.attempt > job.maxAttempts) {
    // Only a take-over of an expired lease claims past the budget: the consumers of every attempt so far stopped
    // mid-task (a crash, an out-of-memory kill, a timeout of the whole invocation). Running again would exceed it.
    return recordFailure(job, new AttemptsExhaustedError(job.task, job.maxAttempts), deps, log, { retry: false });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(job.payload);
  } catch (error) {
    return recordFailure(job, error, deps, log, { retry: false });
  }
  const timeoutMs = Math.min(job.timeoutSec * 1000, limits.deadlineMs - INVOCATION_SAFETY_MARGIN_MS - deps.clock.nowMs());
  const run = await runWithTimeout(
    (signal) => {
      const context: TaskContext = {
        jobId: job.id,
        task: job.task,
        attempt: job.attempt,
        maxAttempts: job.maxAttempts,
        dueAt: new Date(job.dueAtMs),
        ...(job.scheduleId === undefined ? {} : { scheduleId: job.scheduleId }),
        signal,
        logger: log,
      };
      return definition.handler(payload, context);
    },
    { task: job.task, timeoutMs, sleep: deps.sleep },
  );
  if (run.ok) return recordSuccess(job, run.value, deps, log);
  if (run.timedOut) log.warn('Job attempt timed out; its signal was aborted', { timeoutMs, error: toStoredError(run.error) });
  return recordFailure(job, run.error, deps, log, { retry: true });
}
