/**
 * EventBridge Scheduler has no emulator that runs on this machine (LocalStack needs Docker), so these tests run the
 * real SDK client against a small loopback HTTP server speaking the Scheduler REST-JSON protocol for one schedule:
 * they check what goes over the wire (UpdateSchedule must send the whole schedule back) and how errors are mapped.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  sweeperTriggerFromEnv,
  sweeperStatus,
  pauseSweeper,
  resumeSweeper,
  type SweeperTrigger,
} from '../../lib/sweeper/sweeper-trigger.ts';
import { ConfigurationError } from '../../lib/core/errors.ts';

interface StoredSchedule extends Record<string, unknown> {
  State: string;
}

const TRIGGER = {
  Arn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/sundial/sweep',
  Name: 'sweep',
  GroupName: 'sundial',
  ScheduleExpression: 'rate(1 minute)',
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' },
  Target: {
    Arn: 'arn:aws:lambda:us-east-1:123456789012:function:sweeper',
    RoleArn: 'arn:aws:iam::123456789012:role/sweeper-trigger',
    Input: '{}',
    RetryPolicy: { MaximumRetryAttempts: 0 },
  },
  State: 'ENABLED',
};

let server: Server;
let schedule: StoredSchedule;
let updates: Array<Record<string, unknown>>;
let client: SchedulerClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const name = decodeURIComponent(url.pathname.replace('/schedules/', ''));
      const group = url.searchParams.get('groupName') ?? (body ? (JSON.parse(body) as { GroupName?: string }).GroupName : undefined);
      if (name !== schedule.Name || (group ?? 'default') !== schedule.GroupName) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
        res.end(JSON.stringify({ Message: `Schedule ${name} does not exist.` }));
        return;
      }
      if (req.method === 'PUT') {
        const update = JSON.parse(body) as Record<string, unknown>;
        updates.push(update);
        schedule = { ...schedule, ...update, State: String(update.State) };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ScheduleArn: schedule.Arn }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(schedule));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new SchedulerClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  schedule = structuredClone(TRIGGER);
  updates = [];
});

const target = (): SweeperTrigger => ({ client, scheduleName: 'sweep', groupName: 'sundial' });

describe('sweeper trigger control', () => {
  it('reports a running trigger', async () => {
    expect(await sweeperStatus(target())).toEqual({
      state: 'running',
      scheduleName: 'sweep',
      groupName: 'sundial',
      scheduleExpression: 'rate(1 minute)',
    });
  });

  it('pauses by disabling the trigger, sending the whole schedule back', async () => {
    const status = await pauseSweeper(target());
    expect(status.state).toBe('paused');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      State: 'DISABLED',
      ScheduleExpression: 'rate(1 minute)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: TRIGGER.Target,
    });
    expect((await sweeperStatus(target())).state).toBe('paused');
  });

  it('pausing twice updates once; resuming enables again', async () => {
    await pauseSweeper(target());
    await pauseSweeper(target());
    expect(updates).toHaveLength(1);
    expect((await resumeSweeper(target())).state).toBe('running');
    expect(updates).toHaveLength(2);
    expect(updates[1]).toMatchObject({ State: 'ENABLED', Target: TRIGGER.Target });
    await resumeSweeper(target());
    expect(updates).toHaveLength(2);
  });

  it('turns an unknown trigger into a ConfigurationError naming it and the variable to fix', async () => {
    const error = await sweeperStatus({ client, scheduleName: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('"nope"');
    expect((error as Error).message).toContain('"default"');
    expect((error as Error).message).toContain('SUNDIAL_SWEEP_SCHEDULE');
  });
});

describe('sweeperTriggerFromEnv', () => {
  it.each([
    { value: 'sweep', expected: { scheduleName: 'sweep' } },
    { value: 'sundial/sweep', expected: { scheduleName: 'sweep', groupName: 'sundial' } },
  ])('reads $value', ({ value, expected }) => {
    const { client: _client, ...rest } = sweeperTriggerFromEnv(client, { SUNDIAL_SWEEP_SCHEDULE: value });
    expect(rest).toEqual(expected);
  });

  it.each([undefined, '', 'a/b/c', 'has space'])('rejects %j with the expected form', (value) => {
    expect(() => sweeperTriggerFromEnv(client, { SUNDIAL_SWEEP_SCHEDULE: value })).toThrow(/SUNDIAL_SWEEP_SCHEDULE.*<group>\/<name>/);
  });
});
