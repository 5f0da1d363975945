/**
 * The shape of a CLI command. Each command is one module under `cli/commands/`; adding one is a new file plus one line
 * in `cli/commands/index.ts`.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Scheduler } from '../lib/scheduler.ts';
import { UsageError } from './errors.ts';
import type { CliIo } from './io.ts';
import type { Colors } from './format/style.ts';

/** Option definitions as `node:util` `parseArgs` takes them. */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** What `parseArgs` found for a command: its options and the positionals after the command's name. */
export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Everything a command runs with. */
export interface CommandContext {
  readonly io: CliIo;
  /** `--json`: print the documented JSON shape instead of text for people. */
  readonly json: boolean;
  readonly colors: Colors;
  /** The zone people see times in (`--tz`, `TZ`, the system's). */
  readonly zone: string;
  /** The environment with the deployment resolved (`--stack` / `SUNDIAL_STACK`, `--region`, `--profile`). */
  deploymentEnv(): Promise<Record<string, string | undefined>>;
  /** The library, configured for that deployment (built once). */
  scheduler(): Promise<Scheduler>;
  /** Prints `value` as JSON with `--json`, else the text `human()` returns. */
  print(value: unknown, human: () => string): void;
}

/** One CLI command. */
export interface Command {
  /** What users type: one word, or two for a sub-command (`import eventbridge`). */
  readonly name: string;
  /** One line for `sundial --help`. */
  readonly summary: string;
  /** The synopsis, e.g. `list [--state S] [--task T] [--limit N] [--cursor C]`. */
  readonly usage: string;
  /** Options besides the global ones. */
  readonly options?: OptionsConfig;
  /** What shell completion offers for its arguments: fixed words (`sweeper pause|resume|status`) or file names. */
  readonly completes?: { readonly words?: readonly string[]; readonly files?: boolean };
  /** Runs the command; resolves with the exit code (0 when nothing is returned). */
  run(ctx: CommandContext, input: CommandInput): Promise<number | void>;
}

/**
 * The string option `name`, or `undefined`.
 *
 * @example
 * ```ts
 * const state = stringOption(input, 'state');
 * ```
 */
export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The integer option `name`, or `undefined`; a value that is not a whole number is a usage error.
 *
 * @example
 * ```ts
 * const limit = integerOption(input, 'limit', 'list [--limit N]');
 * ```
 */
export function integerOption(input: CommandInput, name: string, usage: string): number | undefined {
  const raw = stringOption(input, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`--${name}: received ${JSON.stringify(raw)}; expected a whole number`, usage);
  return Number(raw);
}

/**
 * Positional argument `index`, named `name` in the error when it is missing.
 *
 * @example
 * ```ts
 * const task = requiredArgument(input, 0, 'task', command.usage);
 * ```
 */
export function requiredArgument(input: CommandInput, index: number, name: string, usage: string): string {
  const value = input.positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing <${name}>`, usage);
  return value;
}

/**
 * Parses a JSON argument (a payload); invalid JSON is a usage error that quotes the parser's complaint.
 *
 * @example
 * ```ts
 * const payload = jsonArgument(input.positionals[1], 'payload-json', usage) ?? {};
 * ```
 */
export function jsonArgument(raw: string | undefined, name: string, usage: string): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`<${name}> is not valid JSON (${(error as Error).message}): quote it, e.g. '{"to":"ada@example.com"}'`, usage);
  }
}
