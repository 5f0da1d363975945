/** `sundial list`: a page of jobs as a table (or `{ items, cursor? }` with --json). */
import type { JobState } from '../../lib/store/types.ts';
import { integerOption, stringOption, type Command } from '../command.ts';
import { jobsTable } from '../format/jobs-table.ts';
import { jobJson } from '../format/json.ts';
import { optional } from './enqueue.ts';

const usage = 'sundial list [--state S] [--task T] [--limit N] [--cursor C]';
/** A screenful; scripts page with --cursor or raise --limit (at most 1000). */
const DEFAULT_LIMIT = 50;

export const listCommand: Command = {
  name: 'list',
  summary: 'list jobs as a table, filtered by state and task',
  usage,
  options: { state: { type: 'string' }, task: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } },
  async run(ctx, input) {
    const query = {
      ...optional('state', stringOption(input, 'state') as JobState | undefined),
      ...optional('task', stringOption(input, 'task')),
      ...optional('cursor', stringOption(input, 'cursor')),
      limit: integerOption(input, 'limit', usage) ?? DEFAULT_LIMIT,
    };
    const page = await (await ctx.scheduler()).list(query);
    ctx.print({ items: page.items.map(jobJson), ...optional('cursor', page.cursor) }, () => {
      if (page.items.length === 0) return 'No jobs match.';
      const table = jobsTable(page.items, { zone: ctx.zone, nowMs: ctx.io.nowMs(), columns: ctx.io.columns, colors: ctx.colors });
      const more = page.cursor ? `\n${ctx.colors.dim(`More: sundial list --cursor ${page.cursor}`)}` : '';
      return `${table}${more}`;
    });
  },
};
