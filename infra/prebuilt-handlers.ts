/**
 * Where the handlers without user code live once `npm run build` has bundled them. Kept apart from the bundling code
 * (handler-bundles.ts, which loads aws-cdk-lib) so the dashboard server can find its page without loading the CDK.
 */
import { join } from 'node:path';

/**
 * The handlers that hold no user code, pre-bundled by `npm run build` into `dist/assets/<name>`: their entry module
 * (from the package root, without extension) and whether the dashboard's built page goes next to the bundle.
 */
export const PREBUILT_HANDLERS = {
  sweeper: { entry: 'functions/sweeper', page: false },
  dashboard: { entry: 'dashboard/server/lambda-handler', page: true },
} as const;
export type PrebuiltHandler = keyof typeof PREBUILT_HANDLERS;

/** Where `npm run build` writes a pre-bundled handler (relative to the package root). */
export function prebuiltHandlerDir(name: PrebuiltHandler): string {
  return join('dist', 'assets', name);
}

/** The dashboard handler serves its page from this folder next to its bundle (`dashboard/server/lambda-handler.ts`). */
export const DASHBOARD_PAGE_DIR = 'dashboard';
