/**
 * The typed errors both store adapters throw when a conditional write finds the item in another state, worded once.
 */
import { ConflictError, ValidationError } from '../core/errors.ts';

/**
 * `cancelJob` found the job in a state it cannot be cancelled from.
 *
 * @example
 * ```ts
 * throw cancelConflict('j_1', 'completed');
 * ```
 */
export function cancelConflict(id: string, state: string): ConflictError {
  return new ConflictError(
    `Job "${id}" is ${state}; only scheduled or retrying jobs can be cancelled. A running job finishes its current ` +
      `attempt; an ended job needs nothing.`,
    state,
  );
}

/**
 * `requeueFailedJob` found a job that is not `failed`.
 *
 * @example
 * ```ts
 * throw requeueConflict('j_1', 'running');
 * ```
 */
export function requeueConflict(id: string, state: string): ConflictError {
  return new ConflictError(
    `Job "${id}" is ${state}; only failed jobs can be retried by hand. Wait until it has failed, or enqueue a new job.`,
    state,
  );
}

/**
 * The error `createJobs` reports for a second job with an id already in the same call.
 *
 * @example
 * ```ts
 * duplicateInBatch('j_1', 7);
 * ```
 */
export function duplicateInBatch(id: string, index: number): ValidationError {
  return new ValidationError(
    `\`jobs[${index}].id\`: received "${id}", which an earlier job of the same call already has; expected unique ids. ` +
      `Give each job its own id, or enqueue the repeat separately.`,
  );
}
