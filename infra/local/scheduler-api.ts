/**
 * The two EventBridge Scheduler calls sundial's dispatch control makes (`GetSchedule`, `UpdateSchedule`), answered for
 * the schedules of the locally deployed template, so `pauseDispatch` / `resumeDispatch` / `dispatchStatus` and
 * `sundial dispatch …` switch the local trigger exactly as they switch the real one on AWS. Served by the endpoint
 * router for paths under `/schedules/` (the service's REST-JSON routes).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A schedule as the local API knows it. */
export interface LocalSchedule {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly expression: string;
  readonly targetArn: string;
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
    return (request.url ?? '').startsWith('/schedules/');
  }

  /** Answers one request the way the service does (status codes, `x-amzn-errortype`, JSON bodies). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
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
        State: schedule.enabled ? 'ENABLED' : 'DISABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: schedule.targetArn, RoleArn: `${schedule.arn}-role` },
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
    return reply(response, 405, { Message: `${request.method} is not supported by the local Scheduler API.` }, 'ValidationException');
  }
}

const key = (group: string, name: string) => `${group}/${name}`;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function reply(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
  response.end(JSON.stringify(body));
}
