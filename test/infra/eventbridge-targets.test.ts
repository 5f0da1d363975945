import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/core/errors.ts';
import type { SundialSchedulerProps } from '../../infra/sundial-scheduler.ts';
import { SundialStack } from '../../infra/sundial-stack.ts';
import { FIXTURE_TASKS, logicalId, newApp } from './helpers.ts';

/** The stack, not yet synthesized: the tests add rules and schedules to it first. */
function unsynthesized(props: Omit<SundialSchedulerProps, 'tasksEntry'> = {}): { stack: SundialStack } {
  return { stack: new SundialStack(newApp(), 'Test', { scheduler: { tasksEntry: FIXTURE_TASKS, ...props } }) };
}

describe('sundial.ruleTarget / scheduleTarget', () => {
  it('a rule sends an event message straight into the queue, allowed by a queue policy bound to that rule', () => {
    const { stack } = unsynthesized({ queues: { default: {}, reports: {} } });
    const sundial = stack.scheduler;
    const rule = new events.Rule(stack, 'Announce', {
      schedule: events.Schedule.expression('cron(0/1 * ? * * *)'),
      targets: [sundial.ruleTarget('announce', { queue: 'reports', in: Duration.seconds(30), maxAttempts: 2 })],
    });
    const template = Template.fromStack(stack);
    const queueId = logicalId(sundial.queues.reports!);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0/1 * ? * * *)',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          InputTransformer: {
            InputPathsMap: { id: '$.id', time: '$.time', f3: '$' },
            InputTemplate:
              '{"sundial":"eventbridge/1","task":"announce","source":"<aws.events.rule-arn>","eventId":<id>,"time":<time>,"payload":<f3>,' +
              '"options":{"queue":"reports","inSec":30,"maxAttempts":2}}',
          },
        },
      ],
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(rule), 'Arn'] } } },
          }),
        ]),
      },
    });
    // No function sits between the rule and the queue.
    template.resourceCountIs('AWS::Lambda::Function', 2);
  });

  it('a fixed payload or a transform replaces the event', () => {
    const { stack } = unsynthesized();
    new events.Rule(stack, 'Orders', {
      eventPattern: { source: ['shop'] },
      targets: [
        stack.scheduler.ruleTarget('ship', { payload: { order: events.EventField.fromPath('$.detail.order') } }),
        stack.scheduler.ruleTarget('audit', { payload: { fixed: true } }),
      ],
    });
    const targets = Template.fromStack(stack).findResources('AWS::Events::Rule');
    const [ship, audit] = Object.values(targets)[0]!.Properties.Targets as Array<{ InputTransformer: { InputTemplate: string; InputPathsMap?: object } }>;
    expect(ship!.InputTransformer.InputTemplate).toContain('"payload":{"order":<detail-order>}');
    expect(ship!.InputTransformer.InputPathsMap).toMatchObject({ 'detail-order': '$.detail.order' });
    expect(audit!.InputTransformer.InputTemplate).toContain('"payload":{"fixed":true}');
  });

  it('a schedule sends one message per occurrence, keyed by its time, with a role that may only send to the queue', () => {
    const { stack } = unsynthesized();
    new scheduler.Schedule(stack, 'Report', {
      schedule: scheduler.ScheduleExpression.expression('cron(0 9 ? * MON *)'),
      target: stack.scheduler.scheduleTarget('report'),
    });
    const template = Template.fromStack(stack);
    const input = JSON.parse(
      (Object.values(template.findResources('AWS::Scheduler::Schedule')).find((r) => r.Properties.ScheduleExpression === 'cron(0 9 ? * MON *)')!
        .Properties.Target as { Input: string }).Input,
    );
    expect(input).toEqual({
      sundial: 'eventbridge/1',
      task: 'report',
      source: '<aws.scheduler.schedule-arn>',
      eventId: '<aws.scheduler.scheduled-time>',
      time: '<aws.scheduler.scheduled-time>',
      payload: { scheduleArn: '<aws.scheduler.schedule-arn>', scheduledTime: '<aws.scheduler.scheduled-time>' },
      options: { queue: 'default' },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(stack.scheduler.queues.default!), 'Arn'] } }] },
    });
  });

  it('reports every problem with the options at once', () => {
    const { stack } = unsynthesized();
    try {
      stack.scheduler.ruleTarget('bad name', { queue: 'nope', maxAttempts: 0, in: Duration.millis(1500) });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems).toEqual([
        expect.stringMatching(/`task`: received "bad name"/),
        expect.stringMatching(/`maxAttempts`: received 0/),
        expect.stringMatching(/`queue`: received "nope"; expected one of the construct's queues: default/),
        expect.stringMatching(/`in`: received 1.5 s; expected whole seconds/),
      ]);
    }
    expect(() => stack.scheduler.scheduleTarget('ok', { queue: 'nope' })).toThrow(/`queue`/);
  });
});
