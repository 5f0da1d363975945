/**
 * Which deployment the CLI talks to. By default the environment says (`SUNDIAL_*`, the SDK's variables); `--stack NAME`
 * (or `SUNDIAL_STACK`) reads the `SUNDIAL_*` settings from the CloudFormation stack's outputs instead, so pointing the
 * CLI at a deployment takes one flag. `--region` and `--profile` act as in the aws CLI: over the environment.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { clientConfigFromEnv } from '../lib/aws-clients.ts';
import { ConfigurationError } from '../lib/core/errors.ts';
import { STACK_OUTPUT_VARIABLES } from '../infra/stack-outputs.ts';

type Env = Record<string, string | undefined>;

/** The deployment flags of the command line. */
export interface DeploymentFlags {
  readonly stack?: string;
  readonly region?: string;
  readonly profile?: string;
}

/**
 * The environment the library and SDK clients are built from: `env` with `--region` / `--profile` applied and, with a
 * stack, the `SUNDIAL_*` variables its outputs name.
 *
 * @example
 * ```ts
 * const env = await resolveDeploymentEnv(process.env, { stack: 'Sundial', region: 'eu-west-1' });
 * Scheduler.fromEnv(env);
 * ```
 */
export async function resolveDeploymentEnv(env: Readonly<Env>, flags: DeploymentFlags): Promise<Env> {
  const resolved: Env = { ...env };
  if (flags.region) {
    resolved.AWS_REGION = flags.region;
    resolved.AWS_DEFAULT_REGION = flags.region;
  }
  if (flags.profile) {
    // As in the aws CLI, a named profile wins over credentials in the environment.
    resolved.AWS_PROFILE = flags.profile;
    delete resolved.AWS_ACCESS_KEY_ID;
    delete resolved.AWS_SECRET_ACCESS_KEY;
    delete resolved.AWS_SESSION_TOKEN;
  }
  const stackName = flags.stack ?? env.SUNDIAL_STACK;
  if (!stackName) return resolved;
  return { ...resolved, ...(await stackEnv(stackName, resolved)) };
}

/** The `SUNDIAL_*` variables from the outputs of stack `stackName` (DescribeStacks). */
async function stackEnv(stackName: string, env: Env): Promise<Env> {
  const client = new CloudFormationClient(clientConfigFromEnv(env, 'CLOUDFORMATION'));
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Stacks?.[0]?.Outputs ?? [];
    const found: Env = {};
    for (const output of outputs) {
      const variable = output.OutputKey && STACK_OUTPUT_VARIABLES[output.OutputKey as keyof typeof STACK_OUTPUT_VARIABLES];
      if (variable && output.OutputValue !== undefined) found[variable] = output.OutputValue;
    }
    if (!found.SUNDIAL_TABLE_NAME || !found.SUNDIAL_QUEUES) {
      throw new ConfigurationError(
        `Stack "${stackName}" has no TableName/QueueUrls outputs: is it a sundial stack? Deploy infra/app.ts (SundialStack), ` +
          'or add those outputs to your stack (infra/stack-outputs.ts lists the keys).',
      );
    }
    return found;
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      throw new ConfigurationError(
        `Stack "${stackName}" does not exist in region ${env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '(default)'}: check the name (aws cloudformation list-stacks) and --region.`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    client.destroy();
  }
}
