/**
 * Defects 2, 6 and 12 of issue 11 and the IAM suite: every grant equals what its library calls use. The test runs
 * each public `Scheduler` method against the local stack through SDK clients that record the IAM actions of every
 * request, and compares them with the synthesized policy of the matching grant. It also checks, over every policy of
 * the template, that no action is a wildcard and every resource is one of the scheduler's own.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodbClient, sqsClient } from '../../lib/aws-clients.ts';
import { readConfig } from '../../lib/config.ts';
import { Scheduler } from '../../lib/index.ts';
import { sharedStackEnv } from '../integration/support.ts';
import { SHARED_STACK_PROPS } from '../shared/stack-config.ts';
import { FIXTURE_TASKS as INFRA_FIXTURE_TASKS, newApp } from '../infra/helpers.ts';
import { SundialStack } from '../../infra/sundial-stack.ts';
import { ActionRecorder } from './support/action-recorder.ts';

let scheduler: Scheduler;
const recorder = new ActionRecorder();
/** Actions recorded per public method. */
const used = new Map<string, Set<string>>();

beforeAll(async () => {
  // The shared local stack of the integration project (test/README.md), through clients that record every action.
  const env = sharedStackEnv();
  const config = readConfig(env);
  const dynamodb = dynamodbClient(env);
  const sqs = sqsClient(env);
  recorder.attach(dynamodb, 'dynamodb');
  recorder.attach(sqs, 'sqs');
  scheduler = new Scheduler({
    tableName: config.tableName,
    queues: config.queueUrls,
    shards: config.shards,
    directHorizonSec: config.directHorizonSec,
    lookaheadSec: config.lookaheadSec,
    dynamodb,
    sqs,
  });
}, 120_000);


async function use(method: string, call: () => Promise<unknown>): Promise<void> {
  recorder.take();
  await call();
  const actions = used.get(method) ?? new Set<string>();
  for (const a of recorder.take()) actions.add(a);
  used.set(method, actions);
}

/** The DynamoDB and SQS actions, and their statements, that `grant` gives a fresh function in a synthesized stack. */
function granted(grant: (s: SundialStack, fn: lambda.Function) => void) {
  const sundialStack = new SundialStack(newApp(), 'Test', { scheduler: { tasksEntry: INFRA_FIXTURE_TASKS, ...SHARED_STACK_PROPS } });
  const fn = new lambda.Function(sundialStack, 'Caller', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  grant(sundialStack, fn);
  const roleId = Stack.of(fn).getLogicalId(fn.role!.node.defaultChild as never);
  const statements = Object.values(Template.fromStack(sundialStack).findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>);
  const actions = [...new Set(statements.flatMap((s) => [s.Action].flat()).filter((a) => /^(dynamodb|sqs):/.test(a)))].sort();
  return { actions, statements };
}

function union(...methods: string[]): string[] {
  return [...new Set(methods.flatMap((m) => [...(used.get(m) ?? [])]))].sort();
}

const ENQUEUE_METHODS = ['enqueue', 'enqueueMany', 'transact', 'schedule', 'pause', 'resume', 'cancel', 'retry'];
const READ_METHODS = ['get', 'list', 'getSchedule', 'listSchedules'];

describe('grants equal the calls of the library (local stack)', () => {
  it('records what each public method calls against the local stack', async () => {
    await use('enqueue', () => scheduler.enqueue('record', { n: 1 }));
    await use('enqueue', () => scheduler.enqueue('record', { n: 2 }, { in: '2h' }));
    await use('enqueue', () => scheduler.enqueue('record', { n: 3 }, { in: '1h', unique: 'iam-u1' }));
    await use('enqueue', () => scheduler.enqueue('record', { n: 3 }, { in: '1h', unique: 'iam-u1' }));
    await use('enqueueMany', () =>
      scheduler.enqueueMany([
        { task: 'record', payload: { n: 4 } },
        { task: 'record', payload: { n: 5 }, options: { in: '2h' } },
        { task: 'record', payload: { n: 6 }, options: { unique: 'iam-u2' } },
      ]),
    );
    await use('transact', () => scheduler.transact([], [{ task: 'record', payload: { n: 7 } }]));
    await use('schedule', () => scheduler.schedule('iam-every', 'record', {}, { every: 30 }));
    await use('schedule', () => scheduler.schedule('iam-every', 'record', { v: 2 }, { every: 45 }));
    await use('pause', () => scheduler.pause('iam-every'));
    await use('resume', () => scheduler.resume('iam-every'));
    const later = await scheduler.enqueue('record', { n: 8 }, { in: '3h' });
    await use('cancel', () => scheduler.cancel(later.id));
    await use('cancel', () => scheduler.cancel('iam-every'));
    // A failed job to retry, failed here rather than by a consumer (the test is about the caller's calls).
    const doomed = await scheduler.enqueue('record', { n: 9 }, { in: '3h' });
    await scheduler.store.claimJob(doomed.id, { dueAtMs: doomed.dueAt.getTime(), nowMs: Date.now(), leaseUntilMs: Date.now() + 60_000 });
    await scheduler.store.finishAttempt(doomed.id, 1, { state: 'failed', nowMs: Date.now(), lastError: { name: 'Error', message: 'x' }, expiresAtEpochSec: 2e9 });
    await use('retry', () => scheduler.retry(doomed.id));
    await use('get', () => scheduler.get(later.id));
    await use('list', () => scheduler.list({ limit: 5 }));
    await use('list', () => scheduler.list({ state: 'scheduled', task: 'record', limit: 5 }));
    await use('getSchedule', () => scheduler.getSchedule('iam-other').catch(() => undefined));
    await use('listSchedules', () => scheduler.listSchedules({ limit: 5 }));
    for (const method of [...ENQUEUE_METHODS, ...READ_METHODS]) expect(used.get(method)?.size, method).toBeGreaterThan(0);
  }, 120_000);

  it('grantEnqueue allows exactly what enqueue, enqueueMany, transact, schedule, pause, resume, cancel and retry call', () => {
    expect(granted((s, fn) => s.scheduler.grantEnqueue(fn)).actions).toEqual(union(...ENQUEUE_METHODS));
  });

  it('grantRead allows exactly what get, list, getSchedule and listSchedules call', () => {
    expect(granted((s, fn) => s.scheduler.grantRead(fn)).actions).toEqual(union(...READ_METHODS));
  });

  it("grantEnqueue's writes are limited to job and schedule items (never the sweeper's lease and cursors)", () => {
    const { statements } = granted((s, fn) => s.scheduler.grantEnqueue(fn));
    const writes = statements.filter((s) => [s.Action].flat().some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)));
    expect(writes.length).toBeGreaterThan(0);
    for (const statement of writes) {
      expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['job#*', 'schedule'] } });
    }
  });
});

describe('every policy of the template (functions, trigger role, and every grant given to a caller)', () => {
  const sundialStack = new SundialStack(newApp(), 'Scoped', { scheduler: { tasksEntry: INFRA_FIXTURE_TASKS, ...SHARED_STACK_PROPS } });
  const caller = new lambda.Function(sundialStack, 'Caller', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  sundialStack.scheduler.grantEnqueue(caller);
  sundialStack.scheduler.grantRead(caller);
  sundialStack.scheduler.grantSweeperControl(caller);
  const template = Template.fromStack(sundialStack);
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> }>,
  );
  const OWN_TYPES = ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::Scheduler::Schedule', 'AWS::IAM::Role', 'AWS::KMS::Key'];

  it('names no wildcard action', () => {
    expect(statements.length).toBeGreaterThan(5);
    for (const statement of statements) for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
  });

  it("scopes every resource to the scheduler's own table, index, queues, functions, schedule and role", () => {
    for (const statement of statements) {
      for (const resource of [statement.Resource].flat()) {
        const text = JSON.stringify(resource);
        const refs = [...text.matchAll(/"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9:]+)"/g)].map((m) => m[1]!).filter((id) => !id.startsWith('AWS::'));
        expect(refs.length, text).toBeGreaterThan(0);
        for (const id of refs) expect(OWN_TYPES, `${id} in ${text}`).toContain(resources[id]?.Type);
        expect(text).not.toMatch(/"\*"|index\/\*/);
      }
    }
  });

  it('passes the trigger role only to EventBridge Scheduler', () => {
    const passRole = statements.filter((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });
});
