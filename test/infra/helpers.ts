/** Builds the stack for template assertions, with bundling skipped (the template does not depend on the bundle). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { SundialSchedulerProps } from '../../infra/sundial-scheduler.ts';
import { SundialStack } from '../../infra/sundial-stack.ts';

export const FIXTURE_TASKS = join(import.meta.dirname, 'fixtures', 'tasks.ts');

export function newApp(options: { nag?: boolean; outdir?: string } = {}): App {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, ...(options.outdir ? { outdir: options.outdir } : {}) });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

export function buildStack(props: Partial<SundialSchedulerProps> = {}, app: App = newApp()): { stack: SundialStack; template: Template } {
  const stack = new SundialStack(app, 'Test', { scheduler: { tasksEntry: FIXTURE_TASKS, ...props } });
  return { stack, template: Template.fromStack(stack) };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0];
  return Stack.of(child).getLogicalId(child);
}

/** Synthesizes with AwsSolutions checks; returns the error synthesis threw (if any) and the validation report. */
export function synthWithNag(build: (app: App) => void): { error: unknown; report: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sundial-nag-'));
  const app = newApp({ nag: true, outdir: dir });
  build(app);
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  let report = '';
  try {
    report = readFileSync(join(dir, 'validation-report.json'), 'utf8');
  } catch {
    // no report: nothing was found
  }
  rmSync(dir, { recursive: true, force: true });
  return { error, report };
}
