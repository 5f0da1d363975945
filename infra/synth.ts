/**
 * Synthesis inside the calling process (no `cdk` CLI, no credentials): the local stack calls it to get the very
 * template and bundled assets that `npx cdk synth` produces, then deploys them to the emulators.
 */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { SundialSchedulerProps } from './sundial-scheduler.ts';
import { SundialStack } from './sundial-stack.ts';

/** What to synthesize, and where. */
export interface SynthOptions {
  /** The cloud assembly folder to write (template + `asset.<hash>/` bundles). */
  outdir: string;
  /** Task modules to bundle into the consumer (the construct's `tasksEntry`). */
  tasksEntry: string | string[];
  /**
   * @default 'Sundial'
   */
  stackName?: string;
  /** Any other construct props. */
  props?: Partial<SundialSchedulerProps>;
  /**
   * Extra CDK context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling when only the template matters.
   *
   * @default - none: every function is bundled with the local esbuild
   */
  context?: Record<string, unknown>;
}

/** The synthesized stack. */
export interface SynthResult {
  /** The cloud assembly folder (= `outdir`, resolved). */
  assemblyDir: string;
  stackName: string;
  /** Absolute path of the stack's template JSON. */
  templateFile: string;
  /** The template, parsed. Functions carry `Metadata['aws:asset:path']` naming their bundle folder in `assemblyDir`. */
  template: any;
}

/**
 * Builds the `SundialStack` in a fresh in-process App and synthesizes it, bundling the handlers with esbuild.
 *
 * @example
 * ```ts
 * const { template, assemblyDir } = synthesize({ outdir: '/tmp/sundial.out', tasksEntry: 'examples/tasks.ts' });
 * const consumer = Object.values(template.Resources).find((r: any) => r.Properties?.Description?.includes('claims'));
 * ```
 */
export function synthesize(options: SynthOptions): SynthResult {
  const app = new App({
    outdir: options.outdir,
    // The CLI turns asset metadata on; in process we must, or functions lack `aws:asset:path` (the local stack reads it).
    context: { 'aws:cdk:enable-asset-metadata': true, ...options.context },
  });
  const stackName = options.stackName ?? 'Sundial';
  const props = { ...options.props, tasksEntry: options.tasksEntry };
  const stack = new SundialStack(app, stackName, { stackName, scheduler: props });
  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  return {
    assemblyDir: assembly.directory,
    stackName: stack.stackName,
    templateFile: join(assembly.directory, artifact.templateFile),
    template: artifact.template,
  };
}
