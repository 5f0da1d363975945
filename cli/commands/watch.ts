/**
 * `sundial watch`: job state changes and lateness as they happen, on any deployment, until Ctrl-C. It polls the
 * library's `list` (a Query per job partition and page) every `--interval` and prints what changed since the last poll.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDurationMs } from '../../lib/core/duration.ts';
import type { Job } from '../../lib/model.ts';
import type { JobState } from '../../lib/store/types.ts';
import { stringOption, type Command, type CommandContext } from '../command.ts';
import { stateText } from '../format/style.ts';
import { humanDuration, latenessMs, wallTime } from '../format/time.ts';
import { optional } from './enqueue.ts';
import { listAll } from '../list-all.ts';

const usage = 'sundial watch [--task T] [--state S] [--interval 2s] [--since 10m]';

/** One observed change (the `--json` shape: one object per line). */
export interface JobChange {
  readonly at: string;
  readonly id: string;
  readonly task: string;
  /** `null` the first time the job is seen. */
  readonly from: JobState | null;
  readonly to: JobState;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly dueAt: string;
  /** From due time to start (or to now while it waits past due); `null` before it is due. */
  readonly latenessMs: number | null;
}

export const watchCommand: Command = {
  name: 'watch',
  summary: 'stream job state changes and lateness until Ctrl-C (polls list every --interval)',
  usage,
  options: { task: { type: 'string' }, state: { type: 'string' }, interval: { type: 'string' }, since: { type: 'string' } },
  async run(ctx, input) {
    const intervalMs = parseDurationMs(stringOption(input, 'interval') ?? '2s', 'interval');
    const sinceMs = parseDurationMs(stringOption(input, 'since') ?? '10m', 'since');
    const filters = { ...optional('task', stringOption(input, 'task')), ...optional('state', stringOption(input, 'state') as JobState | undefined) };
    const scheduler = await ctx.scheduler();
    const signal = ctx.io.interrupted();
    const dueAfter = new Date(ctx.io.nowMs() - sinceMs);
    ctx.io.err(
      `Watching jobs due after ${wallTime(dueAfter.getTime(), ctx.zone)}${Object.keys(filters).length ? ` (${Object.entries(filters).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}: polling every ${humanDuration(intervalMs)}; Ctrl-C stops.`,
    );
    const seen = new Map<string, JobState>();
    while (!signal.aborted) {
      for (const job of await listAll(scheduler, { ...filters, dueAfter })) {
        const before = seen.get(job.id);
        if (before === job.state) continue;
        seen.set(job.id, job.state);
        show(ctx, change(job, before ?? null, ctx.io.nowMs()));
      }
      await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
    }
  },
};

function change(job: Job, from: JobState | null, nowMs: number): JobChange {
  return {
    at: new Date(nowMs).toISOString(),
    id: job.id,
    task: job.task,
    from,
    to: job.state,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    dueAt: job.dueAt.toISOString(),
    latenessMs: latenessMs(job, nowMs) ?? null,
  };
}

function show(ctx: CommandContext, c: JobChange): void {
  if (ctx.json) return ctx.io.out(JSON.stringify(c));
  const time = wallTime(Date.parse(c.at), ctx.zone).slice(11, 19);
  const states = `${c.from === null ? 'new' : c.from} → ${stateText(c.to, ctx.colors)}`;
  const late = c.latenessMs === null ? '' : `  late ${humanDuration(c.latenessMs)}`;
  ctx.io.out(`${ctx.colors.dim(time)}  ${c.id}  ${c.task}  ${states}  attempt ${c.attempt}/${c.maxAttempts}${late}`);
}
