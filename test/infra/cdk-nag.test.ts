import { Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { SundialStack } from '../../infra/sundial-stack.ts';
import { FIXTURE_TASKS, newApp, synthWithNag } from './helpers.ts';

/** Every acknowledgement recorded in the tree: rule id → reason. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: unknown }> {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, unknown>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error in the stack with two queues and user grants', () => {
    const { error, report } = synthWithNag((app) => {
      const stack = new SundialStack(app, 'Plain', { scheduler: { tasksEntry: FIXTURE_TASKS, queues: { default: {}, emails: {} } } });
      const user = new lambda.Function(stack, 'Api', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 0'),
      });
      // Findings about the user's own function are theirs to settle; ours (the grants' index wildcard) must not show.
      Validations.of(user).acknowledge(
        { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'test fixture: the user function of this test, not part of sundial' },
        { id: 'AwsSolutions-L1', reason: 'test fixture: the user function of this test, not part of sundial' },
      );
      stack.scheduler.grantEnqueue(user);
      stack.scheduler.grantRead(user);
      stack.scheduler.grantSweeperControl(user);
    });
    expect(String(error ?? '')).not.toMatch(/AwsSolutions-/);
    expect(report).not.toMatch(/AwsSolutions-/);
    expect(error).toBeUndefined();
  });

  it('finds no unacknowledged error with a customer managed key', () => {
    const { error, report } = synthWithNag((app) => {
      const keys = new Stack(app, 'Keys');
      const key = new kms.Key(keys, 'Key', { enableKeyRotation: true });
      new SundialStack(app, 'Keyed', { scheduler: { tasksEntry: FIXTURE_TASKS, encryptionKey: key } });
    });
    expect(String(error ?? '')).not.toMatch(/AwsSolutions-/);
    expect(report).not.toMatch(/AwsSolutions-/);
    expect(error).toBeUndefined();
  });

  it('finds no unacknowledged error with a provisioned, auto-scaled table', () => {
    const { error, report } = synthWithNag((app) => {
      new SundialStack(app, 'Provisioned', { scheduler: { tasksEntry: FIXTURE_TASKS, tableBilling: { mode: 'provisioned', maxWriteCapacity: 100, maxReadCapacity: 50 } } });
    });
    expect(String(error ?? '')).not.toMatch(/AwsSolutions-/);
    expect(report).not.toMatch(/AwsSolutions-/);
    expect(error).toBeUndefined();
  });

  it('does fail synthesis on a finding nobody acknowledged (the check is live)', () => {
    const { error, report } = synthWithNag((app) => {
      const stack = new SundialStack(app, 'Leaky', { scheduler: { tasksEntry: FIXTURE_TASKS } });
      new sqs.Queue(stack, 'Unsafe', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    });
    expect(`${String(error)}\n${report}`).toMatch(/AwsSolutions-SQS/);
  });

  it('gives every acknowledgement a written reason', () => {
    const app = newApp();
    const stack = new SundialStack(app, 'Reasons', { scheduler: { tasksEntry: FIXTURE_TASKS } });
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThanOrEqual(5);
    for (const ack of acks) {
      expect(typeof ack.reason, `${ack.path} ${ack.id}`).toBe('string');
      expect((ack.reason as string).length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
    }
    expect(acks.map((a) => a.id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/AwsSolutions-IAM4\[Policy::.*AWSLambdaBasicExecutionRole\]/)]),
    );
  });
});
