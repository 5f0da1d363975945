/**
 * The Node.js Lambda runtimes sundial supports, with AWS's deprecation dates: the one place to update when AWS
 * publishes new dates or a new runtime. Source: AWS Lambda Developer Guide, "Lambda runtimes" (supported and
 * deprecated runtimes tables), https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
import { ValidationError } from '../lib/core/errors.ts';

/** Where the dates below come from. */
export const RUNTIME_DATES_SOURCE = 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html';

/** AWS's dates for one runtime (ISO days, UTC). */
export interface RuntimeDates {
  /** No more security patches or support from this day. */
  readonly deprecation: string;
  /** Creating functions on the runtime is blocked from this day. */
  readonly blockCreate: string;
  /** Updating functions on the runtime is blocked from this day. */
  readonly blockUpdate: string;
}

/** Node.js runtimes by identifier (`Runtime.name`). */
export const NODEJS_RUNTIME_DATES: Readonly<Record<string, RuntimeDates>> = {
  'nodejs18.x': { deprecation: '2025-09-01', blockCreate: '2026-03-09', blockUpdate: '2026-04-08' },
  'nodejs20.x': { deprecation: '2026-04-30', blockCreate: '2026-08-31', blockUpdate: '2026-09-30' },
  'nodejs22.x': { deprecation: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
  'nodejs24.x': { deprecation: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
};

/**
 * The runtime the construct uses by default, and the Node major the handlers are bundled for: Node 24, the newest
 * runtime AWS Lambda offers (supported to 2028-04-30). The local stack runs each function on the Node major its
 * runtime names, and Node 24 is what this project's `node` devDependency provides. A test fails 90 days before its
 * deprecation date, to move on in time.
 */
export const DEFAULT_RUNTIME_NAME = 'nodejs24.x';

/**
 * The runtime sundial's pre-bundled handlers (the sweeper and the dashboard, bundled by `npm run build`) are bundled
 * for: the oldest one AWS still lets you create functions on, so that an app that pins it (`Runtime.NODEJS_22_X`)
 * runs them too, and so does every newer runtime. A test fails when AWS blocks it.
 */
export const PREBUILT_RUNTIME_NAME = 'nodejs22.x';

/**
 * The esbuild target of a Node.js runtime (`nodejs24.x` → `node24`).
 *
 * @example
 * ```ts
 * nodeTargetOf('nodejs24.x'); // 'node24'
 * ```
 */
export function nodeTargetOf(runtimeName: string): string {
  const major = /^nodejs(\d+)\.x$/.exec(runtimeName)?.[1];
  if (major === undefined) {
    throw new ValidationError(`runtime: received "${runtimeName}"; expected a Node.js runtime such as "${DEFAULT_RUNTIME_NAME}".`);
  }
  return `node${major}`;
}

/**
 * Throws a `ValidationError` when AWS blocks creating functions on `runtimeName` on `today` (or it is no Node.js
 * runtime), naming the runtime to use instead.
 *
 * @example
 * ```ts
 * assertRuntimeCreatable('nodejs20.x', new Date('2026-12-01')); // throws: blocked since 2026-08-31, use nodejs24.x
 * ```
 */
export function assertRuntimeCreatable(runtimeName: string, today: Date): void {
  nodeTargetOf(runtimeName);
  const dates = NODEJS_RUNTIME_DATES[runtimeName];
  if (dates && today.toISOString().slice(0, 10) >= dates.blockCreate) {
    throw new ValidationError(
      `runtime: ${runtimeName} cannot be used: AWS blocks creating functions on it since ${dates.blockCreate} ` +
        `(deprecated ${dates.deprecation}; ${RUNTIME_DATES_SOURCE}). Use Runtime.${constantOf(DEFAULT_RUNTIME_NAME)} ` +
        `("${DEFAULT_RUNTIME_NAME}", the default) or a newer Node.js runtime.`,
    );
  }
}

function constantOf(runtimeName: string): string {
  return runtimeName.replace(/^nodejs(\d+)\.x$/, 'NODEJS_$1_X');
}
