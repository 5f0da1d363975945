/**
 * The progress bar of `sundial import` (cli-progress): lines done, rate and ETA, redrawn in place on stderr. Only on a
 * terminal; a pipe gets the summary alone.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { CliIo } from '../io.ts';

/** A progress display for `total` lines. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A bar on `io`'s stderr when it is a terminal, else a no-op.
 *
 * @example
 * ```ts
 * const progress = progressBar(io, 10_000);
 * progress.update(500);
 * progress.stop();
 * ```
 */
export function progressBar(io: CliIo, total: number): Progress {
  if (!io.isTTY) return { update: () => undefined, stop: () => undefined };
  // cli-progress draws through a stream's write and cursor codes: hand it stderr as the CLI's I/O sees it.
  const stream = { isTTY: true, columns: io.columns, write: (text: string) => (io.errRaw(text), true) } as unknown as NodeJS.WriteStream;
  const bar = new SingleBar({
    stream,
    format: 'import |{bar}| {percentage}% | {value}/{total} lines | {rate} lines/s | ETA {eta_formatted}',
    barsize: 30,
    hideCursor: true,
    etaBuffer: 20,
  }, Presets.shades_classic);
  const startedMs = io.nowMs();
  bar.start(total, 0, { rate: '0' });
  return {
    update: (done) => {
      if (done === 0) return; // drawn by start(); an update at 0 has no rate to estimate from
      const seconds = (io.nowMs() - startedMs) / 1000;
      bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '0' });
    },
    stop: () => bar.stop(),
  };
}
