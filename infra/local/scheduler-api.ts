/**
 * The EventBridge Scheduler calls sundial makes — `GetSchedule` / `UpdateSchedule` (pausing the sweeper) and
 * `ListSchedules` (`sundial import eventbridge`) — answered for the schedules of the locally deployed template, so
 * `pauseSweeper` / `resumeSweeper` / `sweeperStatus` and `sundial sweeper …` switch the local trigger exactly as
 * they switch the real one on AWS. Served by the endpoint router for paths under `/schedules` (the service's REST-JSON
 * routes); other Scheduler actions get a "not emulated" error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, replyJson, replyNotEmulated, requestAction, signedService } from './local-api.ts';

/** A schedule as the local API knows it. */
export interface LocalSchedule {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly expression: string;
  readonly targetArn: string;
  /** `ScheduleExpressionTimezone`. @default 'UTC' */
  readonly timezone?: string;
  /** The target's `Input`, as the template gives it. */
  readonly input?: string;
  enabled: boolean;
}

/**
 * The local Scheduler API: register the template's schedules, then hand it requests.
 *
 * @example
 * ```ts
 * const api = new LocalSchedulerApi();
 * api.register({ name: 'sweep', groupName: 'default', arn, expression: 'rate(1 minute)', targetArn, enabled: true }, (on) => (trigger.paused = !on));
 * ```
 */
export class LocalSchedulerApi {
  private readonly schedules = new Map<string, { schedule: LocalSchedule; onChange: (enabled: boolean) => void }>();

  /** Makes a schedule answerable; `onChange` is told when an update enables or disables it. */
  register(schedule: LocalSchedule, onChange: (enabled: boolean) => void): void {
    this.schedules.set(key(schedule.groupName, schedule.name), { schedule, onChange });
  }

  /** Whether this request is a Scheduler API call (the router sends it here instead of to an emulator). */
  handles(request: IncomingMessage): boolean {
    return /^\/schedules(\/|\?|$)/.test(request.url ?? '') || signedService(request) === 'scheduler';
  }

  /** Answers one request the way the service does (status codes, `x-amzn-errortype`, JSON bodies). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    if (!url.pathname.startsWith('/schedules')) return replyNotEmulated(response, 'scheduler', requestAction(request));
    if (/^\/schedules\/?$/.test(url.pathname) && request.method === 'GET') return this.list(url, response);
    const name = decodeURIComponent(url.pathname.slice('/schedules/'.length));
    const body = await readJson(request);
    const group = String(url.searchParams.get('groupName') ?? body.GroupName ?? 'default');
    const entry = this.schedules.get(key(group, name));
    if (!entry) {
      return reply(response, 404, { Message: `Schedule ${name} does not exist in group ${group}.` }, 'ResourceNotFoundException');
    }
    const { schedule } = entry;
    if (request.method === 'GET') {
      return reply(response, 200, {
        Arn: schedule.arn,
        Name: schedule.name,
        GroupName: schedule.groupName,
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: schedule.timezone ?? 'UTC',
        State: schedule.enabled ? 'ENABLED' : 'DISABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: schedule.targetArn, RoleArn: `${schedule.arn}-role`, ...(schedule.input === undefined ? {} : { Input: schedule.input }) },
      });
    }
    if (request.method === 'PUT') {
      const state = body.State ?? 'ENABLED';
      if (state !== 'ENABLED' && state !== 'DISABLED') {
        return reply(response, 400, { Message: `State must be ENABLED or DISABLED (received ${JSON.stringify(state)}).` }, 'ValidationException');
      }
      schedule.enabled = state === 'ENABLED';
      entry.onChange(schedule.enabled);
      return reply(response, 200, { ScheduleArn: schedule.arn });
    }
    return replyNotEmulated(response, 'scheduler', request.method === 'POST' ? 'CreateSchedule' : request.method === 'DELETE' ? 'DeleteSchedule' : `${request.method} ${url.pathname}`);
  }

  /** `ListSchedules`: one page of every registered schedule (the local stack holds few), filtered as the service does. */
  private list(url: URL, response: ServerResponse): void {
    const group = url.searchParams.get('ScheduleGroup') ?? url.searchParams.get('GroupName');
    const prefix = url.searchParams.get('NamePrefix') ?? '';
    const state = url.searchParams.get('State');
    const schedules = [...this.schedules.values()]
      .map((e) => e.schedule)
      .filter((s) => (group === null || s.groupName === group) && s.name.startsWith(prefix))
      .filter((s) => state === null || (s.enabled ? 'ENABLED' : 'DISABLED') === state)
      .map((s) => ({ Arn: s.arn, Name: s.name, GroupName: s.groupName, State: s.enabled ? 'ENABLED' : 'DISABLED', Target: { Arn: s.targetArn } }));
    reply(response, 200, { Schedules: schedules });
  }
}

const key = (group: string, name: string) => `${group}/${name}`;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(request);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const reply = replyJson;
