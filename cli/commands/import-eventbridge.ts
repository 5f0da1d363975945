/**
 * `sundial import eventbridge [--group NAME] [--apply]`: EventBridge Scheduler's schedules as sundial schedules,
 * printed, and created only with `--apply` (cli/eventbridge-import.ts does the mapping).
 */
import { schedulerClient } from '../../lib/aws-clients.ts';
import { stringOption, type Command } from '../command.ts';
import { importEventBridge, type ImportedSchedule } from '../eventbridge-import.ts';

export const importEventBridgeCommand: Command = {
  name: 'import eventbridge',
  summary: "print EventBridge Scheduler's schedules as sundial schedules (--apply creates them)",
  usage: 'sundial import eventbridge [--group NAME] [--apply]',
  options: { group: { type: 'string' }, apply: { type: 'boolean' } },
  async run(ctx, input) {
    const group = stringOption(input, 'group');
    const apply = input.values.apply === true;
    const imported = await importEventBridge({
      client: schedulerClient(await ctx.deploymentEnv()),
      ...(group ? { group } : {}),
      ...(apply ? { apply: await ctx.scheduler() } : {}),
    });
    ctx.print(imported, () => describeImport(imported, apply, ctx.colors));
  },
};

function describeImport(imported: readonly ImportedSchedule[], apply: boolean, colors: { bold(s: string): string }): string {
  if (imported.length === 0) return 'No EventBridge Scheduler schedules found.';
  const lines = imported.map((s) => {
    const source = `EventBridge schedule ${s.source.group}/${s.source.name}  ${s.source.expression}`;
    if (!s.sundial) return `${source}\n  skipped: ${s.skipped ?? 'no sundial equivalent'}`;
    const { id, task, options, paused } = s.sundial;
    const recurrence = 'cron' in options && options.cron ? `cron ${options.cron}` : `every ${String((options as { every?: unknown }).every)}`;
    const zone = 'timezone' in options && options.timezone ? ` in ${options.timezone}` : '';
    const outcome = s.applied === undefined ? '' : s.applied === true ? '  created' : `  not created: ${s.applied}`;
    return [
      `${source}\n  → schedule ${colors.bold(id)}: task ${task}, ${recurrence}${zone}${paused ? ' (paused)' : ''}${outcome}`,
      ...(s.note ? [`  note: ${s.note}`] : []),
    ].join('\n');
  });
  return [...lines, '', apply ? `${imported.filter((s) => s.applied === true).length} created.` : 'Nothing created: run again with --apply to create them.'].join('\n');
}
