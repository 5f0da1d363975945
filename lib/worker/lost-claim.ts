/**
 * What to do with a message whose claim failed. The claim's condition failed for a reason the job's current item
 * tells (docs/architecture.md, "Job states and writes"); this is the pure decision, `handleJobMessage` acts on it.
 */
import type { JobMessage, MessageReceipt } from '../queue/types.ts';
import { MISSING_JOB_RETRY_AFTER_SEC } from './deps.ts';
import type { JobRecord } from '../store/types.ts';

export type LostClaimDecision =
  /** A duplicate, stale or ended message: acknowledge it, nothing to do. */
  | { readonly action: 'acknowledge'; readonly reason: string }
  /**
   * The job waits for a message at another due time that may never have been sent (a consumer crashed between the
   * retry write and its send): send one for the job's due time, then acknowledge.
   */
  | { readonly action: 'resend'; readonly job: JobRecord; readonly reason: string }
  /**
   * No job yet, and the message is young: the enqueue's put may still be in flight. Wait for it, then let SQS deliver
   * the message again after `retryAfterSec`.
   */
  | { readonly action: 'wait-for-job'; readonly reason: string; readonly retryAfterSec: number }
  /** No job, and the message is older than the grace: an orphan of an enqueue that never finished. Drop it. */
  | { readonly action: 'drop'; readonly reason: string }
  /** A race with another writer left the job claimable-looking: let SQS deliver the message again later. */
  | { readonly action: 'retry-later'; readonly reason: string };

/**
 * Decides what a failed claim means. A missing job's message is judged by SQS's own clock and receive count
 * (`receipt`), never by the sender's `sentAtMs` alone: a writer's skewed clock cannot make a young message look old.
 */
export function decideLostClaim(
  message: JobMessage,
  current: JobRecord | undefined,
  nowMs: number,
  orphanGraceMs: number,
  receipt: MessageReceipt = {},
): LostClaimDecision {
  if (current === undefined) {
    const ageMs = nowMs - (receipt.sqsSentAtMs ?? message.sentAtMs);
    if (ageMs > orphanGraceMs) {
      return { action: 'drop', reason: `no such job ${ageMs} ms after SQS accepted the message (grace ${orphanGraceMs} ms): an orphan of an enqueue that did not finish, or a job past its retention` };
    }
    const receive = Math.max(1, receipt.receiveCount ?? 1);
    const retryAfterSec = MISSING_JOB_RETRY_AFTER_SEC[Math.min(receive, MISSING_JOB_RETRY_AFTER_SEC.length) - 1]!;
    return { action: 'wait-for-job', reason: `no such job yet, ${ageMs} ms after SQS accepted the message (receive ${receive})`, retryAfterSec };
  }
  if (current.state === 'cancelled' || current.state === 'completed' || current.state === 'failed') {
    return { action: 'acknowledge', reason: `the job is ${current.state}` };
  }
  if (current.dueAtMs !== message.dueAtMs) {
    if (current.state === 'running') {
      return { action: 'acknowledge', reason: 'a stale message: the job is running for another due time' };
    }
    if (current.placement !== 'none') {
      return { action: 'acknowledge', reason: `a stale message: the job waits in its ${current.placement} for the sweeper` };
    }
    return {
      action: 'resend',
      job: current,
      reason: `the job is ${current.state} for ${new Date(current.dueAtMs).toISOString()}, and its message may not have been sent`,
    };
  }
  if (current.state === 'running' && current.leaseUntilMs !== undefined && current.leaseUntilMs >= nowMs) {
    return { action: 'acknowledge', reason: `a duplicate: the job is running under a lease until ${new Date(current.leaseUntilMs).toISOString()}` };
  }
  return { action: 'retry-later', reason: `the job changed while claiming (now ${current.state}, attempt ${current.attempt})` };
}
