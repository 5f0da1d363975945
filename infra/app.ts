/**
 * The CDK app (`cdk.json` runs it with tsx): one `SundialStack` running this project's example tasks, configured
 * from context, checked by cdk-nag's AwsSolutions rules. `npx cdk synth -c shards=16 -c queues='{"default":{},"emails":{"maxConcurrency":5}}'`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { schedulerPropsFromContext } from './context-props.ts';
import { SundialStack } from './sundial-stack.ts';

const app = new App();
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'Sundial';
new SundialStack(app, stackName, {
  stackName,
  scheduler: { tasksEntry: 'examples/tasks.ts', ...schedulerPropsFromContext((key) => app.node.tryGetContext(key)) },
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
