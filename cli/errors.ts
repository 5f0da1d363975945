/**
 * How the CLI fails: a usage error (exit 2) for what the caller typed, any other error is a failure (exit 1). Both are
 * reported as one line on stderr with what to do next; the stack trace only with `--debug`.
 */
import { ConfigurationError, SundialError, ValidationError } from '../lib/core/errors.ts';

/** Exit codes (docs/cli.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * The command line itself is wrong: unknown command or option, a missing argument, a value of the wrong form.
 *
 * @example
 * ```ts
 * throw new UsageError('missing <task>', 'sundial enqueue <task> [payload-json]');
 * ```
 */
export class UsageError extends SundialError {
  /** The usage line of the command, quoted in the message as the fix. */
  readonly usage?: string;
  constructor(message: string, usage?: string) {
    super(usage ? `${message}; usage: ${usage}` : message);
    this.name = 'UsageError';
    if (usage !== undefined) this.usage = usage;
  }
}

/** Errors about what the caller typed or configured (exit 2); everything else is a failure (exit 1). */
function isUsage(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof ValidationError || error instanceof ConfigurationError) return true;
  return isParseArgsError(error);
}

/** node:util parseArgs: unknown option, missing option value, unexpected positional. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Reports `error` on `err` and returns the exit code. One line: the error's name and message (a multi-line message's
 * lines joined with "; "), plus a hint; with `debug`, the stack trace follows.
 *
 * @example
 * ```ts
 * return reportError(error, { err: console.error, debug: false });
 * ```
 */
export function reportError(error: unknown, options: { err: (line: string) => void; debug: boolean }): number {
  const usage = isUsage(error);
  const name = isParseArgsError(error) ? 'UsageError' : error instanceof Error ? error.name : 'Error';
  const message = (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((line) => line.replace(/^- /, '').trim())
    .filter(Boolean)
    .join('; ')
    .replace(/:; /g, ': ');
  const hint = usage ? 'run `sundial --help` for usage' : error instanceof SundialError ? '' : 'rerun with --debug for details';
  options.err(`sundial: ${name}: ${message}${hint && !message.includes('usage:') ? ` (${hint})` : ''}`);
  if (options.debug && error instanceof Error && error.stack) options.err(error.stack);
  return usage ? EXIT.usage : EXIT.failure;
}
