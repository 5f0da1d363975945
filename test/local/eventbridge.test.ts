import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/cli.ts';
import type { ImportedSchedule } from '../../cli/eventbridge-import.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack.ts';
import type { Job } from '../../lib/model.ts';
import { Scheduler } from '../../lib/scheduler.ts';
import { synthesizeEventBridgeStack } from './fixtures/eventbridge-stack.ts';

const run = promisify(execFile);

async function waitFor<T>(find: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('EventBridge on the local stack (rules, schedules, PutEvents, the Lambda API)', () => {
  let stack: LocalStack;
  let scheduler: Scheduler;
  let clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  const announced = async (label: string): Promise<Job[]> =>
    (await scheduler.list({ task: 'announce', limit: 1000 })).items.filter((j) => (j.payload as { label?: string }).label === label);

  beforeAll(async () => {
    // Every matching event is delivered twice: EventBridge delivers at least once, and a duplicate must be harmless.
    stack = await startLocalStack({ assembly: synthesizeEventBridgeStack(), eventDeliveries: 2, onLog: () => undefined });
    scheduler = Scheduler.fromEnv(stack.env);
    clientConfig = {
      endpoint: stack.env.AWS_ENDPOINT_URL!,
      region: stack.env.AWS_REGION!,
      credentials: { accessKeyId: stack.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY! },
    };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('PutEvents of a matching event runs the task once, though the event is delivered twice; others do not match', async () => {
    const events = new EventBridgeClient(clientConfig);
    try {
      const put = await events.send(new PutEventsCommand({
        Entries: [
          { Source: 'shop', DetailType: 'order placed', Detail: JSON.stringify({ total: 120, label: 'order-1' }) },
          { Source: 'shop', DetailType: 'order placed', Detail: JSON.stringify({ total: 80, label: 'order-small' }) },
          { Source: 'shop', DetailType: 'order placed' },
        ],
      }));
      expect(put.FailedEntryCount).toBe(1);
      expect(put.Entries?.[2]).toMatchObject({ ErrorCode: 'InvalidArgument' });
      const [job] = await waitFor(async () => {
        const jobs = await announced('order-1');
        return jobs.some((j) => j.state === 'completed') ? jobs : undefined;
      }, 'the order job', 30_000);
      expect(job).toMatchObject({ state: 'completed', attempt: 1 });
      expect(job!.id).toContain(put.Entries![0]!.EventId!);
      // The duplicate delivery has had its turn: still one job, run once.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await announced('order-1')).map((j) => [j.state, j.attempt])).toEqual([['completed', 1]]);
      expect(await announced('order-small')).toEqual([]);
      // An API the local stack does not emulate says so, naming the service and the action.
      await expect(events.send(new PutRuleCommand({ Name: 'x', ScheduleExpression: 'rate(1 minute)' }))).rejects.toMatchObject({
        name: 'NotEmulatedException',
        message: expect.stringMatching(/^events PutRule is not emulated by the local stack/),
      });
    } finally {
      events.destroy();
    }
  });

  it('the Lambda API answers the SDK: ListFunctions, GetFunction, Invoke; CreateFunction is not emulated', async () => {
    const lambda = new LambdaClient(clientConfig);
    try {
      const { Functions } = await lambda.send(new ListFunctionsCommand({}));
      const consumer = Functions!.find((f) => f.Description?.includes('Consumer'))!;
      expect(consumer.FunctionArn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:/);
      const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: consumer.FunctionName }));
      expect(Configuration).toMatchObject({ FunctionName: consumer.FunctionName, State: 'Active' });
      const invoked = await lambda.send(new InvokeCommand({ FunctionName: consumer.FunctionName, Payload: JSON.stringify({ Records: [] }) }));
      expect(invoked.StatusCode).toBe(200);
      expect(JSON.parse(Buffer.from(invoked.Payload!).toString())).toEqual({ batchItemFailures: [] });
      await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(lambda.send(new CreateFunctionCommand({ FunctionName: 'x', Role: 'r', Code: {} }))).rejects.toMatchObject({
        name: 'NotEmulatedException',
        message: expect.stringMatching(/^lambda CreateFunction is not emulated/),
      });
    } finally {
      lambda.destroy();
    }
  });

  it('`aws lambda invoke` (awscli) works against the local endpoint', async () => {
    const consumer = stack.deployed.functions.find((f) => f.logicalId.includes('Consumer'))!;
    const out = join(mkdtempSync(join(tmpdir(), 'sundial-awscli-')), 'out.json');
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1' };
    delete env.AWS_ENDPOINT_URL;
    const { stdout } = await run('aws', ['--endpoint-url', stack.env.AWS_ENDPOINT_URL!, 'lambda', 'invoke', '--function-name', consumer.functionName,
      '--payload', '{"Records":[]}', out], { env });
    expect(JSON.parse(stdout)).toMatchObject({ StatusCode: 200 });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ batchItemFailures: [] });
    const listed = await run('aws', ['--endpoint-url', stack.env.AWS_ENDPOINT_URL!, 'lambda', 'list-functions'], { env });
    expect((JSON.parse(listed.stdout) as { Functions: { FunctionName: string }[] }).Functions.map((f) => f.FunctionName)).toContain(consumer.functionName);
  });

  it('a rule on cron(0/1 * ? * * *) and a Scheduler schedule run the task once per minute, on the minute', async () => {
    // At most one real minute: the first firing of each, then no second job for the same minute.
    const [ruleJob] = await waitFor(async () => {
      const jobs = await announced('rule cron(0/1 * ? * * *)');
      return jobs.some((j) => j.state === 'completed') ? jobs : undefined;
    }, 'the per-minute rule job', 75_000);
    // A job due at once is due when its event arrives: within seconds after the minute's start.
    const minuteOf = (job: Job) => Math.floor(job.dueAt.getTime() / 60_000);
    expect(ruleJob!.dueAt.getTime() - minuteOf(ruleJob!) * 60_000).toBeLessThan(10_000);
    const scheduled = await waitFor(async () => {
      const jobs = await announced('scheduler cron(* * * * ? *)');
      return jobs.find((j) => j.state === 'completed' && minuteOf(j) === minuteOf(ruleJob!));
    }, 'the per-minute schedule job', 15_000);
    expect(scheduled.attempt).toBe(1);
    for (const label of ['rule cron(0/1 * ? * * *)', 'scheduler cron(* * * * ? *)']) {
      expect((await announced(label)).filter((j) => minuteOf(j) === minuteOf(ruleJob!))).toHaveLength(1);
    }
  });
  it('`sundial import eventbridge` prints the equivalent sundial schedules, and creates them only with --apply', async () => {
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      expect(await main([...argv, '--json'], { out: (line) => out.push(line), err: (line) => out.push(line), env: { ...process.env, ...stack.env } })).toBe(0);
      return JSON.parse(out.join('\n')) as ImportedSchedule[];
    };
    const printed = await cli('import', 'eventbridge', '--group', 'default');
    const fromTarget = printed.find((s) => s.source.expression === 'cron(* * * * ? *)')!;
    expect(fromTarget.sundial).toMatchObject({
      task: 'announce',
      payload: { label: 'scheduler cron(* * * * ? *)' },
      options: { cron: 'cron(* * * * ? *)', timezone: 'Etc/UTC', queue: 'default' },
      paused: false,
    });
    const sweeper = printed.find((s) => s.source.expression === 'rate(1 minute)')!;
    expect(sweeper.sundial?.options).toEqual({ every: 'rate(1 minute)' });
    expect(sweeper.note).toMatch(/is not a sundial queue: define a task/);
    await expect(scheduler.getSchedule(fromTarget.sundial!.id)).rejects.toThrow(/not found|no schedule/i);
    const applied = await cli('import', 'eventbridge', '--apply');
    expect(applied.find((s) => s.source.expression === 'cron(* * * * ? *)')!.applied).toBe(true);
    expect(await scheduler.getSchedule(fromTarget.sundial!.id)).toMatchObject({ task: 'announce' });
    expect(await cli('import', 'eventbridge', '--group', 'other')).toEqual([]);
  });
});
