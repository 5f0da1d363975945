/**
 * Color for people, none for pipes: on only when stdout is a terminal and `NO_COLOR` is unset (no-color.org).
 */
import { createColors } from 'picocolors';
import type { JobState } from '../../lib/store/types.ts';

export type Colors = ReturnType<typeof createColors>;

/**
 * The color functions for this run (identity functions when color is off).
 *
 * @example
 * ```ts
 * const c = colorsFor({ isTTY: true, env: process.env });
 * c.red('failed');
 * ```
 */
export function colorsFor(io: { isTTY: boolean; env: Readonly<Record<string, string | undefined>> }): Colors {
  return createColors(io.isTTY && !io.env.NO_COLOR);
}

/**
 * A job state, colored by what it means: green done, red failed, yellow retrying, cyan running, dim cancelled.
 *
 * @example
 * ```ts
 * stateText('failed', colors); // '\x1b[31mfailed\x1b[39m' on a terminal
 * ```
 */
export function stateText(state: JobState, c: Colors): string {
  switch (state) {
    case 'completed':
      return c.green(state);
    case 'failed':
      return c.red(state);
    case 'retrying':
      return c.yellow(state);
    case 'running':
      return c.cyan(state);
    case 'cancelled':
      return c.dim(state);
    default:
      return state;
  }
}
