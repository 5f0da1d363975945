/**
 * The process-wide registry of task definitions. `defineTask` adds to it; the worker runtime looks tasks up by name;
 * `Scheduler.enqueue` reads a registered task's defaults (queue, attempts, backoff, timeout) when the caller's process
 * has imported the task module.
 */
import type { BackoffSpec } from '../core/backoff.ts';
import { ValidationError } from '../core/errors.ts';
import type { JobRecord } from '../store/types.ts';

/** A logger the task can write to; on Lambda it is Powertools' Logger with the job's keys appended. */
export interface TaskLogger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/** What a running task knows about its job. */
export interface TaskContext {
  readonly jobId: string;
  readonly task: string;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly dueAt: Date;
  readonly scheduleId?: string;
  /** Aborted when the attempt's timeout expires (or the Lambda is about to run out of time): stop work promptly. */
  readonly signal: AbortSignal;
  readonly logger: TaskLogger;
}

/** The function that does a task's work. Its resolved value is stored when the job asked for `storeResult`. */
export type TaskHandler<P, R> = (payload: P, context: TaskContext) => Promise<R> | R;

/** Defaults a task gives to its jobs; an enqueue call's own options win. */
export interface ResolvedTaskOptions {
  readonly queue: string;
  readonly maxAttempts: number;
  readonly backoff: BackoffSpec;
  readonly timeoutSec: number;
  readonly storeResult: boolean;
}

export interface TaskDefinition<P = unknown, R = unknown> {
  readonly name: string;
  readonly handler: TaskHandler<P, R>;
  readonly options: ResolvedTaskOptions;
}

const registry = new Map<string, TaskDefinition>();

/**
 * Adds a task to the registry. Defining the same name twice with another handler is an error (two modules would
 * silently fight over the name); re-registering the very same definition (a module loaded twice) is allowed.
 */
export function registerTask(definition: TaskDefinition<any, any>): void {
  const existing = registry.get(definition.name);
  if (existing && existing.handler !== definition.handler) {
    throw new ValidationError(
      `Task "${definition.name}" is defined twice with different handlers; give each task a unique name.`,
    );
  }
  registry.set(definition.name, definition);
}

/**
 * The task registered under `name`, if any.
 */
export function getTaskDefinition(name: string): TaskDefinition | undefined {
  return registry.get(name);
}

/**
 * Names of every registered task, sorted (for error messages and the CLI).
 */
export function registeredTaskNames(): string[] {
  return [...registry.keys()].sort();
}

/**
 * The job as its task defines it: each option the job inherits (left unset by its enqueue call, in a process that had
 * not loaded the task) takes the definition's value. The worker calls this once it knows which task runs.
 */
export function withTaskDefaults(job: JobRecord, definition: TaskDefinition): JobRecord {
  if (!job.inherits?.length) return job;
  const { inherits, ...rest } = job;
  const resolved: Record<string, unknown> = { ...rest };
  for (const option of inherits) resolved[option] = definition.options[option];
  return resolved as unknown as JobRecord;
}
