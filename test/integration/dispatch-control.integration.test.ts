/**
 * Pausing and resuming all dispatch through the EventBridge Scheduler API (issue 5, trigger control): the same calls
 * that switch the sweeper's trigger on AWS switch the local stack's trigger. Pausing switches the SHARED stack's
 * trigger, so every test that pauses lives in this one file (its tests run one after another); other files only see
 * their swept jobs a few seconds later.
 */
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../bin/cli.ts';
import { dynamodbClient, schedulerClient } from '../../lib/aws-clients.ts';
import { dispatchControlFromEnv, dispatchStatus, pauseDispatch, resumeDispatch } from '../../lib/sweeper/dispatch-control.ts';
import { SWEEP_EVERY_SECONDS } from '../shared/stack-config.ts';
import { eventually, sleep, useSharedStack, type TestStack } from './support.ts';

let t: TestStack;
let target: ReturnType<typeof dispatchControlFromEnv>;
beforeAll(() => {
  t = useSharedStack();
  target = dispatchControlFromEnv(schedulerClient(t.env), t.env);
});
afterAll(async () => {
  await resumeDispatch(target);
  await t?.stop();
});

it('pauses and resumes the sweeper through the Scheduler API, from the library and the CLI', async () => {
  expect((await dispatchStatus(target)).state).toBe('running');
  expect((await pauseDispatch(target)).state).toBe('paused');
  try {
    // A job written by a caller's own transaction waits in its lane: only a sweep sends it.
    const items = t.scheduler.transactItems('record', { log: t.log, tag: 'lane' });
    await dynamodbClient(t.env).send(new TransactWriteItemsCommand({ TransactItems: items }));
    const id = items[0]!.Put!.Item!.sk!.S!;
    // "Paused" is the absence of sweeps, so this one check has to wait: three trigger periods and a second.
    await sleep((3 * SWEEP_EVERY_SECONDS + 1) * 1_000);
    expect(t.runs().some((r) => r.id === id)).toBe(false);

    const out: string[] = [];
    const saved = process.env;
    process.env = { ...saved, ...t.env };
    try {
      expect(await main(['dispatch', 'status', '--json'], { out: (l) => out.push(l), env: process.env })).toBe(0);
      expect(JSON.parse(out.join('\n'))).toMatchObject({ state: 'paused' });
    } finally {
      process.env = saved;
    }

    expect((await resumeDispatch(target)).state).toBe('running');
    await eventually(() => (t.runs().some((r) => r.id === id) ? true : undefined), 'the lane job ran after resume');
  } finally {
    await resumeDispatch(target);
  }
}, 60_000);

it('a committed transaction\'s job due now runs without waiting for a sweep', async () => {
  await pauseDispatch(target); // no sweep can send it: only transact's post-commit send can
  try {
    const table = t.env.SUNDIAL_TABLE_NAME!;
    const [job] = await t.scheduler.transact(
      [{ Put: { TableName: table, Item: { pk: 'test#order', sk: 'o-1', total: 42 } } }],
      [{ task: 'record', payload: { log: t.log, tag: 'tx' } }],
      { format: 'document' },
    );
    await eventually(async () => ((await t.scheduler.get(job!.id)).state === 'completed' ? true : undefined), 'the transaction\'s job completed');
  } finally {
    await resumeDispatch(target);
  }
});
