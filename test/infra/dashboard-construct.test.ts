/**
 * The deployed dashboard's authorization, as the synthesized template states it: IAM auth on every function URL,
 * nothing that writes unless `grantDashboardActions` was called, and cdk-nag clean.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/core/errors.ts';
import { SundialStack } from '../../infra/sundial-stack.ts';
import { FIXTURE_TASKS, buildStack, logicalId, newApp, synthWithNag } from './helpers.ts';

const WRITES = /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)|sqs:(SendMessage|DeleteMessage|ReceiveMessage)|scheduler:UpdateSchedule/;

/** The actions every IAM policy attached to `roleId` allows. */
function actionsOf(template: Template, roleId: string): string[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((s) => [s.Action].flat()));
}

describe('SundialScheduler dashboard', () => {
  it('is off by default: no function URL', () => {
    const { template } = buildStack();
    template.resourceCountIs('AWS::Lambda::Url', 0);
  });

  it('serves a read-only dashboard behind a function URL with AWS_IAM auth, and writes nothing without the grant', () => {
    const { stack, template } = buildStack({ dashboard: true });
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    const read = stack.scheduler.dashboard!.readFunction;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { SUNDIAL_DASHBOARD_READ_ONLY: 'true' } },
    });
    const roleId = logicalId(read.role! as iam.Role);
    const actions = actionsOf(template, roleId);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'sqs:GetQueueAttributes', 'scheduler:GetSchedule']));
    expect(actions.filter((a) => WRITES.test(a))).toEqual([]);
    // Nobody may call a URL until granted, and no other function exists that could act.
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('lambda:InvokeFunctionUrl');
    expect(JSON.stringify(template.toJSON())).not.toContain('ActionFunction');
  });

  it('creates the action function only with grantDashboardActions, and lets only the grantee call its URL', () => {
    const app = newApp();
    const stack = new SundialStack(app, 'Ops', { scheduler: { tasksEntry: FIXTURE_TASKS, dashboard: true } });
    const ops = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
    const devs = new iam.Role(stack, 'Devs', { assumedBy: new iam.AccountRootPrincipal() });
    stack.scheduler.grantDashboardActions(ops);
    stack.scheduler.grantDashboardRead(devs);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Url', 2);
    for (const url of Object.values(template.findResources('AWS::Lambda::Url'))) expect(url.Properties.AuthType).toBe('AWS_IAM');
    const opsPolicy = JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(logicalId(ops))));
    const devsPolicy = JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(logicalId(devs))));
    expect(opsPolicy).toContain('lambda:InvokeFunctionUrl');
    expect(opsPolicy).toContain('ActionFunction');
    expect(devsPolicy).toContain('lambda:InvokeFunctionUrl');
    expect(devsPolicy).not.toContain('ActionFunction');
    const actionRole = logicalId(stack.scheduler.dashboard!.node.findChild('ActionFunction').node.findChild('ServiceRole') as iam.Role);
    expect(actionsOf(template, actionRole).filter((a) => WRITES.test(a)).length).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { SUNDIAL_DASHBOARD_READ_ONLY: 'false' } } });
  });

  it('refuses dashboard grants when the dashboard is off, saying how to turn it on', () => {
    const { stack } = buildStack();
    const role = new iam.Role(stack, 'Someone', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => stack.scheduler.grantDashboardActions(role)).toThrow(ValidationError);
    expect(() => stack.scheduler.grantDashboardRead(role)).toThrow(/dashboard: true/);
  });

  it('keeps cdk-nag AwsSolutions clean with the dashboard and both grants', () => {
    const { error, report } = synthWithNag((app) => {
      const stack = new SundialStack(app, 'Nagged', { scheduler: { tasksEntry: FIXTURE_TASKS, dashboard: true, queues: { default: {}, emails: {} } } });
      stack.scheduler.grantDashboardActions(new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() }));
      stack.scheduler.grantDashboardRead(new iam.Role(stack, 'Devs', { assumedBy: new iam.AccountRootPrincipal() }));
    });
    expect(`${String(error ?? '')}\n${report}`).not.toMatch(/AwsSolutions-/);
    expect(error).toBeUndefined();
  });
});
