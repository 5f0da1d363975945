/**
 * `sundial list`: jobs as a borderless table (cli-table3), one job a row, fitted to the terminal's width by shortening
 * the widest columns (their text ends with "…").
 */
import Table from 'cli-table3';
import type { Job } from '../../lib/model.ts';
import { stateText, type Colors } from './style.ts';
import { humanDuration, latenessMs, wallTime } from './time.ts';

/** Where and how the table is drawn. */
export interface TableView {
  /** The user's zone (the "DUE" column); the "DUE (UTC)" column is added when it is not UTC. */
  readonly zone: string;
  readonly nowMs: number;
  /** Terminal width in columns. */
  readonly columns: number;
  readonly colors: Colors;
}

const GAP = 2;
/** No column is shrunk below this (its header stays readable). */
const MIN_WIDTH = 8;

/**
 * The jobs as a table, as one string of lines no wider than `view.columns`.
 *
 * @example
 * ```ts
 * out(jobsTable(page.items, { zone: 'Europe/Rome', nowMs: Date.now(), columns: 100, colors }));
 * ```
 */
export function jobsTable(jobs: readonly Job[], view: TableView): string {
  const c = view.colors;
  const utc = view.zone === 'UTC';
  const head = ['ID', 'TASK', 'STATE', utc ? 'DUE (UTC)' : `DUE (${view.zone})`, ...(utc ? [] : ['DUE (UTC)']), 'ATTEMPT', 'LATENESS'];
  const rows = jobs.map((job) => {
    const dueMs = job.dueAt.getTime();
    const late = latenessMs(job, view.nowMs);
    return [
      job.id,
      job.task,
      stateText(job.state, c),
      wallTime(dueMs, view.zone),
      ...(utc ? [] : [wallTime(dueMs, 'UTC')]),
      `${job.attempt}/${job.maxAttempts}`,
      late === undefined ? c.dim('-') : late > 1000 ? c.yellow(humanDuration(late)) : humanDuration(late),
    ];
  });
  const widths = fitWidths(
    head.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i]!))) + GAP),
    view.columns,
  );
  const table = new Table({
    head: head.map((h) => c.bold(h)),
    colWidths: widths,
    chars: BORDERLESS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': GAP },
    wordWrap: false,
  });
  table.push(...rows);
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}

/** Shrinks the widest columns, one character at a time, until the row fits `columns` (or all are at the minimum). */
function fitWidths(natural: number[], columns: number): number[] {
  const widths = [...natural];
  let excess = widths.reduce((a, b) => a + b, 0) - columns;
  while (excess > 0) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= MIN_WIDTH + GAP) break;
    widths[widest]!--;
    excess--;
  }
  return widths;
}

// eslint-disable-next-line no-control-regex
const visibleLength = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').length;

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '',
};
