/**
 * The typed errors both store adapters throw when a conditional write finds the item in another state, worded once.
 */
import { ConflictError, ValidationError } from '../core/errors.ts';
import type { JobRecord } from './types.ts';

/** `cancelJob` found the job (`current`) in a state it cannot be cancelled from. */
export function cancelConflict(current: JobRecord): ConflictError<JobRecord> {
  return new ConflictError(
    `Job "${current.id}" is ${current.state}; only scheduled or retrying jobs can be cancelled. A running job finishes its current ` +
      `attempt; an ended job needs nothing.`,
    current.state,
    { current },
  );
}

/** `requeueFailedJob` found a job (`current`) that is not `failed`. */
export function requeueConflict(current: JobRecord): ConflictError<JobRecord> {
  return new ConflictError(
    `Job "${current.id}" is ${current.state}; only failed jobs can be retried by hand. Wait until it has failed, or enqueue a new job.`,
    current.state,
    { current },
  );
}

/** The error `createJobs` reports for a second job with an id already in the same call. */
export function duplicateInBatch(id: string, index: number): ValidationError {
  return new ValidationError(
    `\`jobs[${index}].id\`: received "${id}", which an earlier job of the same call already has; expected unique ids. ` +
      `Give each job its own id, or enqueue the repeat separately.`,
  );
}
