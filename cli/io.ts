/**
 * What a CLI run reads from and writes to. `main` fills it from the process; tests pass their own (captured output, a
 * forced TTY, a fixed width), so every behaviour that depends on the terminal is testable without one.
 */
import type { Readable } from 'node:stream';

/** The terminal and environment of one CLI run. */
export interface CliIo {
  /** Writes one line of the command's output (stdout). */
  readonly out: (line: string) => void;
  /** Writes one line of diagnostics (stderr): errors, progress summaries, prompts. */
  readonly err: (line: string) => void;
  /** Writes raw text to stderr without a newline (progress bars redraw a line in place). */
  readonly errRaw: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal: tables get color, `import` a progress bar, `cancel` a prompt. */
  readonly isTTY: boolean;
  /** Width of the terminal in columns (tables fit it). */
  readonly columns: number;
  /** Answers to prompts. */
  readonly stdin: Readable;
  /**
   * The signal that ends a long-running command (`watch`, `dev`): Ctrl-C in a terminal. Only those commands ask for it,
   * so any other command is still stopped by Ctrl-C the default way.
   */
  readonly interrupted: () => AbortSignal;
  /** The current time in epoch ms (for "due in 5m" and lateness). */
  readonly nowMs: () => number;
}

const FALLBACK_COLUMNS = 120;

/**
 * The I/O of the real process: stdout/stderr, `process.env`, the terminal's width, and an abort signal fired by
 * Ctrl-C (SIGINT) or SIGTERM. Fields given in `overrides` replace the process's.
 *
 * @example
 * ```ts
 * const io = processIo({ isTTY: true, columns: 100 });
 * ```
 */
export function processIo(overrides: Partial<CliIo> = {}): CliIo {
  let signal: AbortSignal | undefined;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    errRaw: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns || FALLBACK_COLUMNS,
    stdin: process.stdin,
    nowMs: () => Date.now(),
    interrupted: () => (signal ??= terminationSignal()),
    ...overrides,
  };
}

function terminationSignal(): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return controller.signal;
}
