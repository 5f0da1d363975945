/**
 * Pausing and resuming all dispatch through the EventBridge Scheduler API (issue 5, trigger control): the same calls
 * that switch the sweeper's trigger on AWS switch the local stack's trigger.
 */
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../bin/cli.ts';
import { dynamodbClient, schedulerClient } from '../../lib/aws-clients.ts';
import { dispatchControlFromEnv, dispatchStatus, pauseDispatch, resumeDispatch } from '../../lib/sweeper/dispatch-control.ts';
import { bootTestStack, eventually, sleep, type TestStack } from './support.ts';

let t: TestStack;
beforeAll(async () => {
  t = await bootTestStack();
});
afterAll(async () => {
  await t?.stop();
});

it('pauses and resumes the sweeper through the Scheduler API, from the library and the CLI', async () => {
  const target = dispatchControlFromEnv(schedulerClient(t.stack.env), t.stack.env);
  expect((await dispatchStatus(target)).state).toBe('running');
  expect((await pauseDispatch(target)).state).toBe('paused');

  // A job written by a caller's own transaction waits in its lane: only a sweep sends it.
  const items = t.scheduler.transactItems('record', { log: t.log, tag: 'lane' });
  await dynamodbClient(t.stack.env).send(new TransactWriteItemsCommand({ TransactItems: items }));
  const id = items[0]!.Put!.Item!.sk!.S!;
  await sleep(6_000); // three local sweep ticks
  expect(t.runs().some((r) => r.id === id)).toBe(false);

  const out: string[] = [];
  const saved = process.env;
  process.env = { ...saved, ...t.stack.env };
  try {
    expect(await main(['dispatch', 'status', '--json'], { out: (l) => out.push(l), env: process.env })).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ state: 'paused' });
  } finally {
    process.env = saved;
  }

  expect((await resumeDispatch(target)).state).toBe('running');
  await eventually(() => (t.runs().some((r) => r.id === id) ? true : undefined), 'the lane job ran after resume');
}, 60_000);
