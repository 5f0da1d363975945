/**
 * Bulk enqueue from an NDJSON file: one job per line, `{ "task": …, "payload": …, "options": … }`, sent through
 * `enqueueMany` in chunks. A line that is not JSON, or that the library rejects, is reported with its line number and
 * the rest still go in; with `options.unique` keys a re-run enqueues nothing twice (those jobs come back as existing).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ValidationError } from '../../lib/core/errors.ts';
import type { JobRequest, Scheduler } from '../../lib/scheduler.ts';

/** A line that was not enqueued, and why. */
export interface LineProblem {
  readonly line: number;
  readonly problem: string;
}

/** What an import did (the `--json` shape of `sundial import`). */
export interface ImportSummary {
  readonly file: string;
  /** Non-empty lines read. */
  readonly lines: number;
  /** Jobs created by this run. */
  readonly enqueued: number;
  /** Lines whose `unique` key named a job that already existed (a re-run): nothing new was written. */
  readonly existing: number;
  /** Lines that are not JSON or not a valid job: nothing was written for them. */
  readonly invalid: readonly LineProblem[];
  /** Valid lines whose write failed (throttling that outlasted the retries, a queue that refused the message). */
  readonly failed: readonly LineProblem[];
  readonly elapsedMs: number;
}

/** Options of {@link importNdjson}. */
export interface ImportOptions {
  /** Lines per `enqueueMany` call. @default 500 */
  readonly chunkSize?: number;
  /** Called after each chunk with the lines done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Current time in epoch ms (elapsed time, and telling new jobs from existing ones). */
  readonly nowMs: () => number;
}

const DEFAULT_CHUNK = 500;
const ITEM_PROBLEM = /^items\[(\d+)\]: (.*)$/s;

/**
 * Imports `file` through `scheduler`.
 *
 * @example
 * ```ts
 * const summary = await importNdjson('jobs.ndjson', scheduler, { nowMs: Date.now, onProgress: (d, t) => bar.update(d) });
 * summary.invalid; // [{ line: 17, problem: 'not JSON: Unexpected token ...' }]
 * ```
 */
export async function importNdjson(file: string, scheduler: Scheduler, options: ImportOptions): Promise<ImportSummary> {
  const startedMs = options.nowMs();
  const total = await countLines(file);
  options.onProgress?.(0, total);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const invalid: LineProblem[] = [];
  const failed: LineProblem[] = [];
  let lines = 0;
  let enqueued = 0;
  let existing = 0;
  let chunk: { line: number; request: JobRequest }[] = [];

  const flush = async () => {
    const outcome = await enqueueChunk(scheduler, chunk);
    invalid.push(...outcome.invalid);
    for (const { line, result } of outcome.results) {
      if (!result.ok) failed.push({ line, problem: `${result.error.name}: ${result.error.message}` });
      // A unique key's job written before this run started is one a previous run (or someone else) created.
      else if (result.job.createdAt.getTime() < startedMs) existing++;
      else enqueued++;
    }
    chunk = [];
    options.onProgress?.(lines, total);
  };

  let number = 0;
  for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    number++;
    if (text.trim() === '') continue;
    lines++;
    const parsed = parseLine(text);
    if (typeof parsed === 'string') invalid.push({ line: number, problem: parsed });
    else chunk.push({ line: number, request: parsed });
    if (chunk.length >= chunkSize) await flush();
  }
  await flush();
  invalid.sort((a, b) => a.line - b.line);
  return { file, lines, enqueued, existing, invalid, failed, elapsedMs: options.nowMs() - startedMs };
}

/** The job request of one line, or what is wrong with it. The library checks the fields themselves. */
function parseLine(text: string): JobRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'expected an object such as {"task":"send-email","payload":{},"options":{"in":"5m"}}';
  }
  const { task, payload, options } = value as Record<string, unknown>;
  return { task: task as string, payload: payload ?? {}, ...(options === undefined ? {} : { options: options as JobRequest['options'] }) };
}

/**
 * One `enqueueMany` call for the chunk. The library validates every item before writing any and names the bad ones
 * by index; those lines are reported and the call is made again with the others.
 */
async function enqueueChunk(scheduler: Scheduler, chunk: { line: number; request: JobRequest }[]) {
  const invalid: LineProblem[] = [];
  let items = chunk;
  for (;;) {
    try {
      const results = items.length === 0 ? [] : await scheduler.enqueueMany(items.map((i) => i.request));
      return { invalid, results: results.map((result, i) => ({ line: items[i]!.line, result })) };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const byIndex = new Map<number, string[]>();
      for (const problem of error.problems) {
        const match = ITEM_PROBLEM.exec(problem);
        if (!match) throw error;
        const index = Number(match[1]);
        byIndex.set(index, [...(byIndex.get(index) ?? []), match[2]!]);
      }
      for (const [index, problems] of byIndex) invalid.push({ line: items[index]!.line, problem: problems.join('; ') });
      items = items.filter((_, index) => !byIndex.has(index));
    }
  }
}

async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    if (text.trim() !== '') count++;
  }
  return count;
}
