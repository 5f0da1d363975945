/**
 * Yes/no questions before destructive bulk work. Asked on stderr (stdout stays the command's output), answered on
 * stdin; anything but "y" or "yes" is no.
 */
import { createInterface } from 'node:readline';
import type { CliIo } from './io.ts';

/**
 * Asks `question` and resolves with whether the user answered yes.
 *
 * @example
 * ```ts
 * if (!(await confirm(io, 'Cancel 120 jobs?'))) return;
 * ```
 */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.errRaw(`${question} [y/N] `);
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  try {
    for await (const answer of lines) return /^\s*y(es)?\s*$/i.test(answer);
    return false;
  } finally {
    lines.close();
  }
}
