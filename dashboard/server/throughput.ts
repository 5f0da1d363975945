/**
 * Throughput and lateness per minute, computed from the jobs' own timestamps (no metrics store): each ended attempt
 * counts in the minute it ended, and its lateness is `started − due`. Read through `Scheduler.list` (Queries per job
 * partition), bounded so a poll stays cheap on a large table.
 */
import type { Job } from '../../lib/model.ts';
import type { Scheduler } from '../../lib/scheduler.ts';

/** Minutes shown on the charts. */
export const CHART_MINUTES = 60;
/** Ended or running jobs read at most for one chart refresh. */
const MAX_JOBS_READ = 3_000;
const MINUTE_MS = 60_000;

export interface MinutePoint {
  /** Start of the minute, epoch ms. */
  readonly minute: number;
  readonly completed: number;
  readonly failed: number;
  /** Lateness percentiles of the attempts started in that minute, ms; absent with no attempt. */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

export interface Throughput {
  readonly points: MinutePoint[];
  /** True when more jobs ended in the window than were read (the charts show a sample). */
  readonly sampled: boolean;
}

/**
 * The last `CHART_MINUTES` minutes up to `nowMs`.
 *
 * @example
 * ```ts
 * const { points } = await throughput(scheduler, Date.now());
 * ```
 */
export async function throughput(scheduler: Scheduler, nowMs: number): Promise<Throughput> {
  const fromMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - (CHART_MINUTES - 1) * MINUTE_MS;
  // A job ends after it was due: due in the window (with a margin for retries) bounds what can have ended in it.
  // One pass over every state: the due filter reads the partitions once, where one pass per state would read them
  // once per state.
  const dueAfter = new Date(fromMs - 15 * MINUTE_MS);
  // A retrying job is due at its next try: keep those retrying within the hour (longer backoffs are left out).
  const dueBefore = new Date(nowMs + CHART_MINUTES * MINUTE_MS);
  const jobs: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await scheduler.list({ dueAfter, dueBefore, limit: 1000, ...(cursor ? { cursor } : {}) });
    jobs.push(...page.items.filter((j) => j.state !== 'scheduled' && j.state !== 'cancelled'));
    cursor = page.cursor;
  } while (cursor && jobs.length < MAX_JOBS_READ);
  return { points: minutePoints(jobs, fromMs), sampled: cursor !== undefined };
}

/**
 * Buckets attempts per minute (pure; exported for tests).
 *
 * @example
 * ```ts
 * minutePoints(jobs, Date.parse('2026-12-01T10:00:00Z'));
 * ```
 */
export function minutePoints(jobs: readonly Job[], fromMs: number): MinutePoint[] {
  const completed = new Array<number>(CHART_MINUTES).fill(0);
  const failed = new Array<number>(CHART_MINUTES).fill(0);
  const lateness: number[][] = Array.from({ length: CHART_MINUTES }, () => []);
  const slot = (ms: number) => Math.floor((ms - fromMs) / MINUTE_MS);
  for (const job of jobs) {
    for (const attempt of attemptsOf(job)) {
      const started = slot(attempt.startedAtMs);
      if (started >= 0 && started < CHART_MINUTES) lateness[started]!.push(Math.max(0, attempt.startedAtMs - attempt.dueAtMs));
      const ended = attempt.endedAtMs === undefined ? -1 : slot(attempt.endedAtMs);
      if (ended < 0 || ended >= CHART_MINUTES) continue;
      if (attempt.outcome === 'completed') completed[ended]!++;
      else if (attempt.outcome !== undefined) failed[ended]!++;
    }
  }
  return completed.map((done, i) => {
    const sorted = lateness[i]!.sort((a, b) => a - b);
    return {
      minute: fromMs + i * MINUTE_MS,
      completed: done,
      failed: failed[i]!,
      ...(sorted.length > 0 ? { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) } : {}),
    };
  });
}

interface AttemptTimes {
  readonly dueAtMs: number;
  readonly startedAtMs: number;
  readonly endedAtMs?: number;
  readonly outcome?: 'completed' | 'retrying' | 'failed';
}

/** A job's attempts from its history; a job written before histories existed gives its last attempt. */
function attemptsOf(job: Job): AttemptTimes[] {
  if (job.attempts && job.attempts.length > 0) {
    const attempts: AttemptTimes[] = [...job.attempts];
    // A running job's current attempt is not in its history yet.
    if (job.state === 'running' && job.startedAt) attempts.push({ dueAtMs: job.dueAt.getTime(), startedAtMs: job.startedAt.getTime() });
    return attempts;
  }
  if (!job.startedAt) return [];
  const outcome = job.state === 'completed' || job.state === 'failed' ? job.state : undefined;
  return [{
    dueAtMs: job.dueAt.getTime(),
    startedAtMs: job.startedAt.getTime(),
    ...(job.finishedAt && outcome ? { endedAtMs: job.finishedAt.getTime(), outcome } : {}),
  }];
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
