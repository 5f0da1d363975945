/**
 * Errors of the worker runtime. They extend the library's `SundialError` (lib/core/errors.ts).
 */
import { SundialError } from '../core/errors.ts';

/**
 * The message cannot be handled now and goes back to the queue: SQS delivers it again after its visibility timeout
 * (the record is reported as a batch item failure). Nothing was written.
 */
export class MessageDeferredError extends SundialError {
  readonly jobId: string;
  /**
   * When the message should be seen again, if sooner than the queue's visibility timeout: the consumer handler makes
   * it visible after that many seconds (`ChangeMessageVisibility`), so a short wait does not cost a full timeout.
   */
  readonly retryAfterSec?: number;
  constructor(jobId: string, reason: string, options?: { cause?: unknown; retryAfterSec?: number }) {
    super(`Message for job "${jobId}" returned to the queue: ${reason}.`, options);
    this.name = 'MessageDeferredError';
    this.jobId = jobId;
    if (options?.retryAfterSec !== undefined) this.retryAfterSec = options.retryAfterSec;
  }
}

/**
 * A job names a task that this consumer does not have: stored as the job's `lastError` (the job fails without
 * retries, since another attempt on the same deployment would find the same registry).
 */
export class UnknownTaskError extends SundialError {
  constructor(task: string, registered: readonly string[]) {
    super(
      `No task named "${task}" is registered in this consumer (registered: ${registered.length > 0 ? registered.join(', ') : 'none'}). ` +
        'Define it with defineTask in a module listed in the construct\'s task modules (the consumer imports them), ' +
        'deploy, then retry the job with scheduler.retry(id).',
    );
    this.name = 'UnknownTaskError';
  }
}

/**
 * Every attempt of a job ended with its consumer stopping mid-task (a crash, an out-of-memory kill, the invocation's
 * own timeout), so no attempt is left: stored as the job's `lastError`, and the job fails.
 */
export class AttemptsExhaustedError extends SundialError {
  constructor(task: string, maxAttempts: number) {
    super(
      `All ${maxAttempts} attempts of task "${task}" ended with the consumer stopping mid-task (crash, out of memory or ` +
        'the Lambda timeout); check the consumer logs for the attempt, fix the cause, then retry with scheduler.retry(id).',
    );
    this.name = 'AttemptsExhaustedError';
  }
}
