/**
 * One error hierarchy for the whole library. Each class sets `name` as a string literal (it survives minification),
 * keeps `cause`, and says what was wrong and how to fix it.
 */

/**
 * Base class of every error sundial throws on purpose.
 *
 * @example
 * ```ts
 * try { await scheduler.get('nope'); } catch (e) { if (e instanceof SundialError) console.error(e.name, e.message); }
 * ```
 */
export class SundialError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SundialError';
  }
}

/**
 * Bad input. `problems` lists every problem found (validation reports all of them at once); `message` joins them.
 *
 * @example
 * ```ts
 * throw new ValidationError(['`in`: received -5; expected a duration ≥ 0 such as 30, "5m" or { minutes: 5 }']);
 * ```
 */
export class ValidationError extends SundialError {
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[], options?: { cause?: unknown }) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(list.length === 1 ? list[0]! : `${list.length} problems:\n- ${list.join('\n- ')}`, options);
    this.name = 'ValidationError';
    this.problems = list;
  }
}

/**
 * The job or schedule does not exist (or has expired after its retention).
 *
 * @example
 * ```ts
 * throw new NotFoundError('job', 'j_123');
 * ```
 */
export class NotFoundError extends SundialError {
  readonly kind: 'job' | 'schedule';
  readonly id: string;
  constructor(kind: 'job' | 'schedule', id: string, options?: { cause?: unknown }) {
    super(`No ${kind} with id "${id}" exists (it may have ended and expired after its retention).`, options);
    this.name = 'NotFoundError';
    this.kind = kind;
    this.id = id;
  }
}

/**
 * The operation does not fit the current state (e.g. cancelling a job that already completed). `current` is the item
 * as the refused write found it, so a caller can act on it without reading it again.
 *
 * @example
 * ```ts
 * throw new ConflictError('Job "j_1" is completed; only scheduled or retrying jobs can be cancelled.', 'completed', { current: job });
 * ```
 */
export class ConflictError<Current = unknown> extends SundialError {
  /** The state found, when the conflict is about state. */
  readonly currentState?: string;
  /** The item as the refused write found it, when the store returned it. */
  readonly current?: Current;
  constructor(message: string, currentState?: string, options?: { cause?: unknown; current?: Current }) {
    super(message, options);
    this.name = 'ConflictError';
    if (currentState !== undefined) this.currentState = currentState;
    if (options?.current !== undefined) this.current = options.current;
  }
}

/**
 * Messages could not be handed to SQS after retries. `failedIds` are the jobs whose message was not sent.
 *
 * @example
 * ```ts
 * throw new MessageSendError('2 messages were not accepted by queue "default"', ['j_1', 'j_2']);
 * ```
 */
export class MessageSendError extends SundialError {
  readonly failedIds: readonly string[];
  constructor(message: string, failedIds: readonly string[], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageSendError';
    this.failedIds = failedIds;
  }
}

/**
 * The former name of {@link MessageSendError}, kept so `instanceof DispatchError` in existing code still matches.
 * Will be removed in 1.0.
 *
 * @deprecated Use `MessageSendError`.
 */
export const DispatchError = MessageSendError;
/** @deprecated Use `MessageSendError`; will be removed in 1.0. */
export type DispatchError = MessageSendError;

/**
 * The environment or construction options are incomplete or inconsistent (e.g. a missing `SUNDIAL_TABLE_NAME`).
 *
 * @example
 * ```ts
 * throw new ConfigurationError('SUNDIAL_TABLE_NAME is not set; deploy with the SundialScheduler construct or set it.');
 * ```
 */
export class ConfigurationError extends SundialError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/**
 * An item in the table does not have the shape sundial writes (written by another tool, or by a bug): `key` names the
 * item, the message what is wrong with it.
 *
 * @example
 * ```ts
 * throw new StoredItemError('job#3/j_1', 'has no `queue` attribute; rewrite it with sundial, or delete it');
 * ```
 */
export class StoredItemError extends SundialError {
  readonly key: string;
  constructor(key: string, problem: string, options?: { cause?: unknown }) {
    super(`Item ${key} ${problem}.`, options);
    this.name = 'StoredItemError';
    this.key = key;
  }
}

/**
 * A task ran longer than its `timeout`; the attempt counts as failed.
 *
 * @example
 * ```ts
 * throw new TaskTimeoutError('send-email', 30);
 * ```
 */
export class TaskTimeoutError extends SundialError {
  constructor(task: string, timeoutSec: number) {
    super(`Task "${task}" did not finish within its timeout of ${timeoutSec} s; the attempt counts as failed.`);
    this.name = 'TaskTimeoutError';
  }
}

/**
 * A write would make an item larger than DynamoDB's 400 KB limit; nothing was written.
 *
 * @example
 * ```ts
 * throw new ItemTooLargeError('job "j_1"', 412_000);
 * ```
 */
export class ItemTooLargeError extends SundialError {
  constructor(what: string, sizeBytes?: number, options?: { cause?: unknown }) {
    const size = sizeBytes === undefined ? '' : ` (${sizeBytes} bytes)`;
    super(`The write to ${what} was refused: the item would exceed DynamoDB's 400 KB item limit${size}. Store large data in S3 and keep its key.`, options);
    this.name = 'ItemTooLargeError';
  }
}
