/** `sundial pause|resume <schedule-id>`: stop and restart a recurring schedule. */
import type { Schedule } from '../../lib/model.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import { requiredArgument, type Command } from '../command.ts';
import { scheduleJson } from '../format/json.ts';
import { relative, wallTime } from '../format/time.ts';

function scheduleSwitch(name: 'pause' | 'resume', summary: string, act: (s: Scheduler, id: string) => Promise<Schedule>): Command {
  const usage = `sundial ${name} <schedule-id>`;
  return {
    name,
    summary,
    usage,
    async run(ctx, input) {
      const schedule = await act(await ctx.scheduler(), requiredArgument(input, 0, 'schedule-id', usage));
      ctx.print(scheduleJson(schedule), () => {
        if (schedule.paused) return `Paused schedule ${ctx.colors.bold(schedule.id)}: nothing of it runs until \`sundial resume ${schedule.id}\``;
        const next = schedule.nextRunAt;
        return `Resumed schedule ${ctx.colors.bold(schedule.id)}; ${next ? `next run ${wallTime(next.getTime(), ctx.zone)} (${relative(next.getTime(), ctx.io.nowMs())})` : 'it has no further run'}`;
      });
    },
  };
}

export const pauseCommand = scheduleSwitch('pause', 'pause a recurring schedule (pending occurrences are cancelled)', (s, id) => s.pause(id));
export const resumeCommand = scheduleSwitch('resume', 'resume a paused schedule from its next slot', (s, id) => s.resume(id));
