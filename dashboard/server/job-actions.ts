/**
 * The dashboard's job actions, composed from the library's own calls: cancel, retry, run now, and the bulk forms
 * that walk a filtered listing page by page.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../lib/core/errors.ts';
import type { Job } from '../../lib/model.ts';
import type { ListOptions, Scheduler } from '../../lib/scheduler.ts';

/** Jobs one bulk request acts on at most; the answer carries a cursor to continue. */
export const MAX_BULK_JOBS = 500;

/** Filters of the jobs page, as the API takes them. */
export interface JobFilter {
  readonly state?: Job['state'];
  readonly task?: string;
  readonly queue?: string;
  readonly dueAfter?: string;
  readonly dueBefore?: string;
}

export interface BulkResult {
  /** Jobs the action applied to. */
  readonly done: number;
  /** Jobs in a state the action does not apply to (e.g. a completed job for cancel). */
  readonly skipped: number;
  /** Present when more jobs match: pass it back to go on. */
  readonly cursor?: string;
}

/**
 * A page of jobs matching `filter`. The library lists by state, task and due range; the queue is filtered here, so a
 * page filtered by queue may hold fewer than `limit` jobs (its cursor still goes on).
 *
 * @example
 * ```ts
 * const page = await listJobs(scheduler, { state: 'failed', queue: 'emails' }, 50);
 * ```
 */
export async function listJobs(scheduler: Scheduler, filter: JobFilter, limit: number, cursor?: string) {
  const options: ListOptions = {
    limit,
    ...(filter.state ? { state: filter.state } : {}),
    ...(filter.task ? { task: filter.task } : {}),
    ...(filter.dueAfter ? { dueAfter: filter.dueAfter } : {}),
    ...(filter.dueBefore ? { dueBefore: filter.dueBefore } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const page = await scheduler.list(options);
  return filter.queue ? { ...page, items: page.items.filter((j) => j.queue === filter.queue) } : page;
}

/**
 * The job whose id is `query`, or whose `unique` key is `query`: keys are scoped per task, so a key is looked up under
 * the task filter (`task`), or typed as `<task>/<key>`. Undefined when none exists.
 *
 * @example
 * ```ts
 * await findJob(scheduler, 'welcome:42', 'welcome');  // the job enqueued as ('welcome', …, { unique: 'welcome:42' })
 * await findJob(scheduler, 'welcome/welcome:42');     // the same job
 * ```
 */
export async function findJob(scheduler: Scheduler, query: string, task?: string): Promise<Job | undefined> {
  for (const id of [query, `u:${query}`, ...(task ? [`u:${task}/${query}`] : [])]) {
    try {
      return await scheduler.get(id);
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof ValidationError)) throw error;
    }
  }
  return undefined;
}

/**
 * Cancels a job (never a schedule: `Scheduler.cancel` deletes a schedule of that id when no job has it).
 *
 * @example
 * ```ts
 * await cancelJob(scheduler, jobId);
 * ```
 */
export async function cancelJob(scheduler: Scheduler, id: string): Promise<Job> {
  await scheduler.get(id);
  return (await scheduler.cancel(id)) as Job;
}

/**
 * Runs a job now. A failed job is retried; a waiting one (`scheduled`, `retrying`) is cancelled and enqueued again due
 * now with its task, payload, queue, attempt budget and unique key (a unique job keeps its id; another gets a new id).
 * A running or ended job cannot be run now (ConflictError).
 *
 * @example
 * ```ts
 * const job = await runJobNow(scheduler, jobId);
 * ```
 */
export async function runJobNow(scheduler: Scheduler, id: string): Promise<Job> {
  const job = await scheduler.get(id);
  if (job.state === 'failed') return scheduler.retry(id);
  if (job.state !== 'scheduled' && job.state !== 'retrying') {
    throw new ConflictError(`job "${id}" is ${job.state}: only a scheduled, retrying or failed job can be run now`);
  }
  await scheduler.cancel(id);
  return scheduler.enqueue(job.task, job.payload, {
    queue: job.queue,
    maxAttempts: job.maxAttempts,
    ...(job.uniqueKey !== undefined ? { unique: job.uniqueKey } : {}),
  });
}

/**
 * Cancels or retries every job matching `filter`, up to `MAX_BULK_JOBS` per call.
 *
 * @example
 * ```ts
 * let result = await bulkAction(scheduler, 'retry', { state: 'failed', task: 'send-email' });
 * while (result.cursor) result = await bulkAction(scheduler, 'retry', filter, result.cursor);
 * ```
 */
export async function bulkAction(scheduler: Scheduler, action: 'cancel' | 'retry', filter: JobFilter, cursor?: string): Promise<BulkResult> {
  // Only the states the action applies to are listed, so a bulk retry never walks the completed jobs.
  const states: Array<Job['state']> = action === 'retry' ? ['failed'] : ['scheduled', 'retrying'];
  const wanted = filter.state ? states.filter((s) => s === filter.state) : states;
  let done = 0;
  let skipped = 0;
  // The cursor of a bulk walk names the state it is in: `<state>|<list cursor>`.
  let [state, listCursor] = cursor ? (cursor.split(/\|(.*)/s) as [Job['state'], string]) : [wanted[0], undefined];
  while (state !== undefined && done + skipped < MAX_BULK_JOBS) {
    const page = await listJobs(scheduler, { ...filter, state }, Math.min(100, MAX_BULK_JOBS - done - skipped), listCursor || undefined);
    for (const job of page.items) {
      try {
        await (action === 'retry' ? scheduler.retry(job.id) : scheduler.cancel(job.id));
        done++;
      } catch (error) {
        // The job moved on since it was listed (it ran, or someone else acted): nothing to do.
        if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
        skipped++;
      }
    }
    if (page.cursor) listCursor = page.cursor;
    else [state, listCursor] = [wanted[wanted.indexOf(state) + 1], undefined];
  }
  return { done, skipped, ...(state !== undefined ? { cursor: `${state}|${listCursor ?? ''}` } : {}) };
}
