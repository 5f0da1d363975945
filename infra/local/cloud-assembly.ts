/**
 * Reads a cloud assembly that `cdk synth` wrote (any CDK app's `cdk.out`), so the local stack can deploy another
 * project's stack: its template and the folder its assets were bundled into.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../../lib/core/errors.ts';
import type { CfnTemplate } from './deploy.ts';

/** One stack of a cloud assembly. */
export interface AssemblyStack {
  readonly assemblyDir: string;
  readonly stackName: string;
  readonly template: CfnTemplate;
}

interface Manifest {
  readonly artifacts?: Record<string, { type?: string; properties?: { templateFile?: string; stackName?: string } }>;
}

/**
 * The stack named `stackName` in the cloud assembly at `assemblyDir`, or its only stack when no name is given.
 *
 * @example
 * ```ts
 * const { template } = readAssemblyStack('examples/app/cdk.out'); // after `npx cdk synth` there
 * ```
 */
export function readAssemblyStack(dir: string, stackName?: string): AssemblyStack {
  const assemblyDir = resolve(dir);
  const manifestFile = join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new ConfigurationError(`No cloud assembly at ${assemblyDir} (no manifest.json): run \`npx cdk synth\` in the app first.`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile)
    .map(([id, artifact]) => ({ id, name: artifact.properties!.stackName ?? id, templateFile: artifact.properties!.templateFile! }));
  const names = stacks.map((s) => s.name).join(', ') || 'none';
  const chosen = stackName === undefined ? (stacks.length === 1 ? stacks[0] : undefined) : stacks.find((s) => s.name === stackName || s.id === stackName);
  if (chosen === undefined) {
    throw new ConfigurationError(
      stackName === undefined
        ? `The cloud assembly at ${assemblyDir} has ${stacks.length} stacks (${names}): pass \`stackName\` to pick one.`
        : `The cloud assembly at ${assemblyDir} has no stack "${stackName}"; its stacks: ${names}.`,
    );
  }
  const template = JSON.parse(readFileSync(join(assemblyDir, chosen.templateFile), 'utf8')) as CfnTemplate;
  return { assemblyDir, stackName: chosen.name, template };
}
