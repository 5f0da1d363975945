/**
 * The `sundial` command line: enqueue, schedule and inspect jobs on the deployment the environment points at (AWS,
 * LocalStack through `AWS_ENDPOINT_URL`, or the local stack with `sundial dev`).
 */
import { parseArgs } from 'node:util';
import { nextRuns } from '../lib/core/recurrence.ts';
import { SundialError, ValidationError } from '../lib/core/errors.ts';
import { Scheduler } from '../lib/scheduler.ts';
import { schedulerClient } from '../lib/aws-clients.ts';
import { dispatchControlFromEnv, dispatchStatus, pauseDispatch, resumeDispatch } from '../lib/sweeper/dispatch-control.ts';
import type { JobState } from '../lib/store/types.ts';

const USAGE = `Usage: sundial <command> [options]

Commands
  dev [--workers file.ts ...]                 start the local stack with your task modules (Ctrl-C stops it)
  enqueue <task> [payload-json] [--in 5m | --at ISO] [--unique key] [--queue q] [--max-attempts n]
  schedule <id> <task> [payload-json] (--cron "0 9 * * MON" [--timezone Area/City] | --every 5m)
                                              [--misfire skip|once|all] [--overlap allow|skip]
  list [--state s] [--task t] [--limit n] [--cursor c]
  get <job-id>
  cancel <job-or-schedule-id>
  pause <schedule-id> | resume <schedule-id>
  retry <failed-job-id>
  dispatch pause|resume|status                pause or resume ALL dispatch (the sweeper's EventBridge Scheduler trigger)
  next-runs (--cron expr [--timezone tz] | --every 5m) [--count n] [--from ISO]

The deployment comes from the environment: SUNDIAL_TABLE_NAME, SUNDIAL_QUEUES (JSON), AWS_REGION, credentials,
and AWS_ENDPOINT_URL for LocalStack or the local stack. Output is JSON.`;

const COMMANDS = new Set(['dispatch', 'dev', 'enqueue', 'schedule', 'list', 'get', 'cancel', 'pause', 'resume', 'retry', 'next-runs']);

/**
 * Runs one CLI command and resolves with the process exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['next-runs', '--cron', '0 9 * * MON', '--timezone', 'America/New_York']);
 * ```
 */
export async function main(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    // node:util's parseArgs rejects unknown or malformed flags with a TypeError carrying an ERR_PARSE_ARGS_* code.
    err(`ValidationError: ${(error as Error).message}; run \`sundial --help\` for usage`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (!command || values.help) {
    out(USAGE);
    return command || values.help ? 0 : 1;
  }
  if (!COMMANDS.has(command)) {
    err(`Unknown command "${command}".\n\n${USAGE}`);
    return 1;
  }
  const print = (value: unknown) => out(JSON.stringify(value, null, 2));
  const payload = (raw: string | undefined): unknown => {
    if (raw === undefined) return {};
    try {
      return JSON.parse(raw);
    } catch {
      throw new ValidationError(`<payload>: received ${JSON.stringify(raw)}, which is not JSON; pass e.g. '{"to":"ada@example.com"}'`);
    }
  };
  const number = (raw: string | undefined) => (raw === undefined ? undefined : Number(raw));
  try {
    switch (command) {
      case 'next-runs': {
        const spec = values.cron ? { cron: values.cron, ...(values.timezone ? { timezone: values.timezone } : {}) } : { every: values.every! };
        const from = values.from ? new Date(values.from) : new Date();
        print(nextRuns(spec, { from, count: number(values.count) ?? 5 }).map((d) => d.toISOString()));
        return 0;
      }
      case 'dispatch': {
        const target = dispatchControlFromEnv(schedulerClient(), process.env);
        const action = args[0];
        if (action === 'pause') print(await pauseDispatch(target));
        else if (action === 'resume') print(await resumeDispatch(target));
        else if (action === 'status') print(await dispatchStatus(target));
        else throw new ValidationError(`dispatch takes pause, resume or status (received ${JSON.stringify(action ?? '')})`);
        return 0;
      }
      case 'dev': {
        const { runDev } = await import('./dev.ts');
        await runDev(values.workers ?? [], out);
        return 0;
      }
    }
    const scheduler = Scheduler.fromEnv();
    switch (command) {
      case 'enqueue':
        print(await scheduler.enqueue(need(args[0], 'task'), payload(args[1]), {
          ...(values.in ? { in: values.in } : {}), ...(values.at ? { at: values.at } : {}),
          ...(values.unique ? { unique: values.unique } : {}), ...(values.queue ? { queue: values.queue } : {}),
          ...(values['max-attempts'] ? { maxAttempts: number(values['max-attempts'])! } : {}),
        }));
        return 0;
      case 'schedule':
        print(await scheduler.schedule(need(args[0], 'id'), need(args[1], 'task'), payload(args[2]), {
          ...(values.cron ? { cron: values.cron } : {}), ...(values.timezone ? { timezone: values.timezone } : {}),
          ...(values.every ? { every: values.every } : {}), ...(values.queue ? { queue: values.queue } : {}),
          ...(values.misfire ? { misfire: values.misfire as 'skip' } : {}), ...(values.overlap ? { overlap: values.overlap as 'skip' } : {}),
        }));
        return 0;
      case 'list':
        print(await scheduler.list({
          ...(values.state ? { state: values.state as JobState } : {}), ...(values.task ? { task: values.task } : {}),
          ...(values.limit ? { limit: number(values.limit)! } : {}), ...(values.cursor ? { cursor: values.cursor } : {}),
        }));
        return 0;
      case 'get': print(await scheduler.get(need(args[0], 'job-id'))); return 0;
      case 'cancel': print(await scheduler.cancel(need(args[0], 'id'))); return 0;
      case 'pause': print(await scheduler.pause(need(args[0], 'schedule-id'))); return 0;
      case 'resume': print(await scheduler.resume(need(args[0], 'schedule-id'))); return 0;
      default: // 'retry'
        print(await scheduler.retry(need(args[0], 'job-id')));
        return 0;
    }
  } catch (error) {
    if (error instanceof SundialError) {
      err(`${error.name}: ${error.message}`);
      return 2;
    }
    // Not ours (an AWS error, a network failure): one clean line, not a stack trace.
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    err(`${name}: ${message.split('\n')[0]}`);
    return 1;
  }
}

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      in: { type: 'string' }, at: { type: 'string' }, unique: { type: 'string' }, queue: { type: 'string' },
      'max-attempts': { type: 'string' }, cron: { type: 'string' }, timezone: { type: 'string' }, every: { type: 'string' },
      misfire: { type: 'string' }, overlap: { type: 'string' }, state: { type: 'string' }, task: { type: 'string' },
      limit: { type: 'string' }, cursor: { type: 'string' }, count: { type: 'string' }, from: { type: 'string' },
      workers: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
    },
  });
}


function need(value: string | undefined, name: string): string {
  if (!value) throw new ValidationError(`missing <${name}>; run \`sundial --help\` for usage`);
  return value;
}
