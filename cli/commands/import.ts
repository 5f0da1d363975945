/** `sundial import <file.ndjson>`: bulk enqueue, one job per line, with progress and a summary. */
import { resolve } from 'node:path';
import { integerOption, requiredArgument, type Command } from '../command.ts';
import { EXIT } from '../errors.ts';
import { humanDuration } from '../format/time.ts';
import { importNdjson, type ImportSummary } from '../import/ndjson-import.ts';
import { progressBar } from '../import/progress.ts';

const usage = 'sundial import <file.ndjson> [--chunk-size N]';
/** Invalid or failed lines listed in the text summary (all of them are in --json). */
const SHOWN_PROBLEMS = 20;

export const importCommand: Command = {
  name: 'import',
  summary: 'enqueue the jobs of an NDJSON file ({task, payload, options} per line), with progress',
  usage,
  options: { 'chunk-size': { type: 'string' } },
  completes: { files: true },
  async run(ctx, input) {
    const file = requiredArgument(input, 0, 'file.ndjson', usage);
    const chunkSize = integerOption(input, 'chunk-size', usage);
    const scheduler = await ctx.scheduler();
    let progress: ReturnType<typeof progressBar> | undefined;
    const summary = await importNdjson(resolve(file), scheduler, {
      nowMs: ctx.io.nowMs,
      ...(chunkSize === undefined ? {} : { chunkSize }),
      onProgress: (done, total) => {
        progress ??= progressBar(ctx.io, total);
        progress.update(done);
      },
    }).finally(() => progress?.stop());
    ctx.print({ ...summary, file }, () => summaryText(summary, file));
    return summary.invalid.length + summary.failed.length === 0 ? EXIT.ok : EXIT.failure;
  },
};

function summaryText(s: ImportSummary, file: string): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const rate = s.elapsedMs > 0 ? `, ${n(Math.round((s.lines * 1000) / s.elapsedMs))} lines/s` : '';
  const problems = [...s.invalid.map((p) => ({ ...p, kind: 'invalid' })), ...s.failed.map((p) => ({ ...p, kind: 'failed' }))].sort((a, b) => a.line - b.line);
  return [
    `Imported ${file}: ${n(s.lines)} lines in ${humanDuration(s.elapsedMs)}${rate}`,
    `  enqueued          ${n(s.enqueued)}`,
    `  already present   ${n(s.existing)}`,
    `  invalid           ${n(s.invalid.length)}`,
    `  failed            ${n(s.failed.length)}`,
    ...problems.slice(0, SHOWN_PROBLEMS).map((p) => `  line ${p.line} (${p.kind}): ${p.problem}`),
    ...(problems.length > SHOWN_PROBLEMS ? [`  … and ${n(problems.length - SHOWN_PROBLEMS)} more (--json lists them all)`] : []),
  ].join('\n');
}
