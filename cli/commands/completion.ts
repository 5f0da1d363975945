/** `sundial completion bash|zsh`: the shell completion script, generated from the command registry. */
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { completionScript } from '../format/completion-script.ts';
import { GLOBAL_OPTIONS } from '../global-options.ts';

const usage = 'sundial completion bash|zsh';
const SHELLS = ['bash', 'zsh'] as const;

/**
 * The completion command for the registry `commands()` returns (a function: the registry lists this command too).
 *
 * @example
 * ```ts
 * const COMMANDS = [listCommand, completionCommand(() => COMMANDS)];
 * ```
 */
export function completionCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'print the shell completion script: eval "$(sundial completion bash)" (or zsh)',
    usage,
    completes: { words: SHELLS },
    async run(ctx, input) {
      const shell = input.positionals[0] ?? '';
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion takes bash or zsh (received ${JSON.stringify(shell)})`, usage);
      const script = completionScript(shell as (typeof SHELLS)[number], commands(), GLOBAL_OPTIONS);
      ctx.print({ shell, script }, () => script);
    },
  };
}
