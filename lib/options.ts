/**
 * Validation and defaulting of the options callers pass to `enqueue` and `schedule`. Everything is checked before any
 * I/O and every problem is reported at once, so a rejected call leaves the table and the queues untouched.
 */
import { backoffProblems, DEFAULT_BACKOFF, DEFAULT_MAX_ATTEMPTS, maxAttemptsProblems, type BackoffSpec } from './core/backoff.ts';
import { durationProblems, parseDurationMs, type DurationInput } from './core/duration.ts';
import { ValidationError } from './core/errors.ts';
import { jsonFidelityProblems } from './core/json-fidelity.ts';
import { scheduleIdProblems, uniqueKeyProblems } from './core/ids.ts';
import { parseRecurrence, type NormalizedRecurrence, type RecurringSpec } from './core/recurrence.ts';
import { describeValue, nameProblems } from './core/validation.ts';
import { oneOffProblems, resolveDueAtMs, type OneOffSpec } from './core/when.ts';
import type { InheritedOption, MisfirePolicy, OverlapPolicy } from './store/types.ts';
import { getTaskDefinition, type ResolvedTaskOptions } from './tasks/registry.ts';

/** A task's own defaults when no task module is loaded: 30 s timeout, results not stored. */
export const DEFAULT_TIMEOUT_SEC = 30;
/** The longest a task may run: a consumer Lambda runs at most 15 minutes. */
export const MAX_TIMEOUT_SEC = 900;
/** DynamoDB's item limit is 400 KB; keep room for the job's own attributes. */
export const MAX_PAYLOAD_BYTES = 350 * 1024;

/** Options every job carries, given to `enqueue`, `schedule` (for its occurrences) and `defineTask` (as defaults). */
export interface JobOptions {
  /** Attempts before the job is `failed` (1–100). @default 3, or the task's */
  readonly maxAttempts?: number;
  /** Delay before each retry. @default exponential with full jitter, 1 s base, 1 h cap, or the task's */
  readonly backoff?: BackoffSpec;
  /** The worker queue (one of the construct's `queues`). @default 'default', or the task's */
  readonly queue?: string;
  /** Keep the task's return value on the job. @default false, or the task's */
  readonly storeResult?: boolean;
  /** How long one attempt may run before it is aborted and counts as failed. @default 30 s, or the task's */
  readonly timeout?: DurationInput;
}

/**
 * Options of `enqueue`: when (`in` or `at`, or neither for now) plus the job options and a `unique` key.
 *
 * @example
 * ```ts
 * const options: EnqueueOptions = { in: '10m', unique: 'welcome-email:42', maxAttempts: 5 };
 * ```
 */
export interface EnqueueOptions extends OneOffSpec, JobOptions {
  /** While a job with this key is scheduled, running or retrying, enqueueing the key again returns that job. */
  readonly unique?: string;
}

/**
 * Options of `schedule`: the recurrence (exactly one of `cron` and `every`), its window, policies and job options.
 *
 * @example
 * ```ts
 * const options: ScheduleOptions = { cron: '0 9 * * MON', timezone: 'America/New_York', misfire: 'skip' };
 * ```
 */
export interface ScheduleOptions extends RecurringSpec, JobOptions {
  /** What to do with occurrences missed while the sweeper was paused or down. @default 'once' */
  readonly misfire?: MisfirePolicy;
  /** Whether an occurrence may start while the previous one still runs. @default 'allow' */
  readonly overlap?: OverlapPolicy;
}

/** Job options with every default applied. */
export interface ResolvedJobOptions extends ResolvedTaskOptions {
  /** Options left to the task's definition, applied by the worker (empty when the task is loaded here). */
  readonly inherits: readonly InheritedOption[];
}

const JOB_OPTION_KEYS = ['maxAttempts', 'backoff', 'queue', 'storeResult', 'timeout'] as const;
const ENQUEUE_KEYS = new Set<string>([...JOB_OPTION_KEYS, 'in', 'at', 'unique']);
const SCHEDULE_KEYS = new Set<string>([
  ...JOB_OPTION_KEYS, 'cron', 'timezone', 'every', 'startAt', 'endAt', 'maxRuns', 'misfire', 'overlap',
]);

/**
 * Problems with the job options themselves (not the queue: only the scheduler knows its queues).
 */
export function jobOptionProblems(options: JobOptions): string[] {
  const problems: string[] = [];
  if (options.maxAttempts !== undefined) problems.push(...maxAttemptsProblems(options.maxAttempts));
  if (options.backoff !== undefined) problems.push(...backoffProblems(options.backoff));
  if (options.queue !== undefined) problems.push(...nameProblems(options.queue, 'queue'));
  if (options.storeResult !== undefined && typeof options.storeResult !== 'boolean') {
    problems.push(`\`storeResult\`: received ${describeValue(options.storeResult)}; expected true or false`);
  }
  if (options.timeout !== undefined) {
    const found = durationProblems(options.timeout, 'timeout');
    problems.push(...found);
    if (found.length === 0) {
      const sec = parseDurationMs(options.timeout, 'timeout') / 1000;
      if (sec < 1 || sec > MAX_TIMEOUT_SEC) {
        problems.push(`\`timeout\`: received ${describeValue(options.timeout)}; expected 1 s to ${MAX_TIMEOUT_SEC} s (a Lambda runs at most 15 minutes)`);
      }
    }
  }
  return problems;
}

/**
 * Applies defaults: the call's options, then the registered task's, then sundial's. Options that got sundial's
 * default because the task is not loaded in this process are listed in `inherits`: the worker, which has the task's
 * definition, applies the definition's values instead.
 */
export function resolveJobOptions(task: string, options: JobOptions): ResolvedJobOptions {
  const defaults = getTaskDefinition(task)?.options;
  const inherits: InheritedOption[] = defaults
    ? []
    : (['maxAttempts', 'backoff', 'storeResult'] as const).filter((o) => options[o] === undefined);
  if (!defaults && options.timeout === undefined) inherits.push('timeoutSec');
  return { ...withDefaults(options, defaults ?? SUNDIAL_DEFAULTS), inherits };
}

/** sundial's own job defaults, for jobs whose task gives none. */
export const SUNDIAL_DEFAULTS: ResolvedTaskOptions = {
  queue: 'default',
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  backoff: DEFAULT_BACKOFF,
  timeoutSec: DEFAULT_TIMEOUT_SEC,
  storeResult: false,
};

/**
 * `options` (already validated) completed from `base`: the one place the default chain is spelled out, for
 * `defineTask` (base: sundial's defaults) and `enqueue` (base: the task's).
 */
export function withDefaults(options: JobOptions, base: ResolvedTaskOptions): ResolvedTaskOptions {
  return {
    queue: options.queue ?? base.queue,
    maxAttempts: options.maxAttempts ?? base.maxAttempts,
    backoff: options.backoff ?? base.backoff,
    timeoutSec: options.timeout !== undefined ? Math.ceil(parseDurationMs(options.timeout, 'timeout') / 1000) : base.timeoutSec,
    storeResult: options.storeResult ?? base.storeResult,
  };
}

/**
 * Problems with a payload: it must survive a JSON round trip unchanged (no Map, Set, Date, function, NaN, BigInt,
 * class instance, cycle or hole; each problem names its path) and fit in a DynamoDB item. Returns the JSON when valid.
 */
export function payloadProblems(payload: unknown, field = 'payload'): { json?: string; problems: string[] } {
  const fidelity = jsonFidelityProblems(payload, field);
  if (fidelity.length > 0) return { problems: fidelity };
  const json = JSON.stringify(payload);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    return {
      problems: [`\`${field}\` is ${bytes} bytes as JSON; the limit is ${MAX_PAYLOAD_BYTES} bytes (a DynamoDB item holds 400 KB): store large data in S3 and pass its key`],
    };
  }
  return { json, problems: [] };
}

/** What an `enqueue` call asks for, validated. */
export interface ValidatedEnqueue {
  readonly task: string;
  readonly payloadJson: string;
  readonly dueAtMs: number;
  readonly uniqueKey?: string;
  readonly options: ResolvedJobOptions;
}

/**
 * Validates one `enqueue` call. Returns its problems (prefixed with `prefix`, e.g. `items[3]: `) or the validated call.
 */
export function validateEnqueue(
  task: unknown,
  payload: unknown,
  options: EnqueueOptions | undefined,
  nowMs: number,
  queueNames: readonly string[],
  prefix = '',
): { value?: ValidatedEnqueue; problems: string[] } {
  const problems = [...nameProblems(task, 'task')];
  const opts = options ?? {};
  problems.push(...unknownKeys(opts, ENQUEUE_KEYS, 'enqueue'));
  const { json, problems: payloadIssues } = payloadProblems(payload);
  problems.push(...payloadIssues, ...oneOffProblems(opts, nowMs), ...jobOptionProblems(opts));
  if (opts.unique !== undefined) problems.push(...uniqueKeyProblems(opts.unique));
  if (problems.length === 0) {
    const resolved = resolveJobOptions(task as string, opts);
    problems.push(...queueProblems(resolved.queue, queueNames));
    if (problems.length === 0) {
      const value: ValidatedEnqueue = {
        task: task as string,
        payloadJson: json!,
        dueAtMs: resolveDueAtMs(opts, nowMs),
        options: resolved,
        ...(opts.unique !== undefined ? { uniqueKey: opts.unique } : {}),
      };
      return { value, problems: [] };
    }
  }
  return { problems: problems.map((p) => prefix + p) };
}

/** What a `schedule` call asks for, validated. */
export interface ValidatedSchedule {
  readonly id: string;
  readonly task: string;
  readonly payloadJson: string;
  readonly recurrence: NormalizedRecurrence;
  readonly misfire: MisfirePolicy;
  readonly overlap: OverlapPolicy;
  readonly options: ResolvedJobOptions;
}

/**
 * Validates one `schedule` call; throws one `ValidationError` with every problem.
 */
export function validateSchedule(
  id: unknown,
  task: unknown,
  payload: unknown,
  options: ScheduleOptions | undefined,
  queueNames: readonly string[],
): ValidatedSchedule {
  const problems = [...nameProblems(id, 'id')];
  if (problems.length === 0) problems.push(...scheduleIdProblems(id as string));
  if (typeof id === 'string' && id.includes('#')) {
    problems.push(`\`id\`: received ${describeValue(id)}; a schedule id cannot contain "#" (its jobs are named "<id>#<time>")`);
  }
  problems.push(...nameProblems(task, 'task'));
  const opts = options ?? {};
  if (options === undefined) problems.push('schedule options are required: give { cron: "0 9 * * MON" } or { every: "5m" }');
  problems.push(...unknownKeys(opts, SCHEDULE_KEYS, 'schedule'));
  const { json, problems: payloadIssues } = payloadProblems(payload);
  problems.push(...payloadIssues, ...jobOptionProblems(opts));
  if (opts.misfire !== undefined && !['skip', 'once', 'all'].includes(opts.misfire)) {
    problems.push(`\`misfire\`: received ${describeValue(opts.misfire)}; expected 'skip', 'once' or 'all'`);
  }
  if (opts.overlap !== undefined && !['allow', 'skip'].includes(opts.overlap)) {
    problems.push(`\`overlap\`: received ${describeValue(opts.overlap)}; expected 'allow' or 'skip'`);
  }
  let recurrence: NormalizedRecurrence | undefined;
  try {
    recurrence = parseRecurrence(opts);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length === 0) {
    const resolved = resolveJobOptions(task as string, opts);
    problems.push(...queueProblems(resolved.queue, queueNames));
    if (problems.length === 0) {
      return {
        id: id as string,
        task: task as string,
        payloadJson: json!,
        recurrence: recurrence!,
        misfire: opts.misfire ?? 'once',
        overlap: opts.overlap ?? 'allow',
        options: resolved,
      };
    }
  }
  throw new ValidationError(problems);
}

function queueProblems(queue: string, queueNames: readonly string[]): string[] {
  return queueNames.includes(queue)
    ? []
    : [`\`queue\`: received "${queue}"; this scheduler knows the queues ${queueNames.map((q) => `"${q}"`).join(', ')} (add it to the construct's \`queues\` prop)`];
}

function unknownKeys(options: object, allowed: ReadonlySet<string>, call: string): string[] {
  if (typeof options !== 'object' || options === null) return [];
  return Object.keys(options)
    .filter((key) => !allowed.has(key))
    .map((key) => `unknown ${call} option \`${key}\`; the options are ${[...allowed].join(', ')}`);
}
