/**
 * Runs the CLI in-process with captured output and a chosen terminal (TTY or not, width), against the environment a
 * test gives (a local stack's `env`), never the test process's own `SUNDIAL_*` variables.
 */
import { Readable } from 'node:stream';
import { main } from '../../bin/cli.ts';
import type { CliIo } from '../../cli/io.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** stderr including raw writes (progress bar redraws). */
  readonly errRaw: string;
}

export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly isTTY?: boolean;
  readonly columns?: number;
  /** What the user types at a prompt. */
  readonly input?: string;
  readonly signal?: AbortSignal;
  readonly onOut?: (line: string) => void;
}

/**
 * Runs `sundial <args>`.
 *
 * @example
 * ```ts
 * const { code, out } = await runCli(['list', '--json'], { env: stack.env });
 * ```
 */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  let raw = '';
  const io: Partial<CliIo> = {
    out: (line) => {
      out.push(line);
      options.onOut?.(line);
    },
    err: (line) => {
      err.push(line);
      raw += `${line}\n`;
    },
    errRaw: (text) => {
      raw += text;
    },
    env: { TZ: 'UTC', ...options.env },
    isTTY: options.isTTY ?? false,
    columns: options.columns ?? 200,
    stdin: Readable.from([options.input ?? '']),
    interrupted: () => options.signal ?? new AbortController().signal,
  };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n'), errRaw: raw };
}

/** Parses the JSON a `--json` run printed. */
export function json<T = any>(run: CliRun): T {
  if (run.code !== 0) throw new Error(`sundial exited ${run.code}: ${run.err}`);
  return JSON.parse(run.out) as T;
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\x1b\[[0-9;]*m/;
