/**
 * Every job matching a `list` query, page after page (bulk cancel, watch).
 */
import type { Job } from '../lib/model.ts';
import type { ListOptions, Scheduler } from '../lib/scheduler.ts';

/** The largest page `list` serves. */
const PAGE = 1000;

/**
 * All jobs matching `query`, read through the library's `list` with its cursor.
 *
 * @example
 * ```ts
 * const scheduled = await listAll(scheduler, { task: 'send-email', state: 'scheduled' });
 * ```
 */
export async function listAll(scheduler: Scheduler, query: Omit<ListOptions, 'limit' | 'cursor'>): Promise<Job[]> {
  const jobs: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await scheduler.list({ ...query, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    jobs.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return jobs;
}
