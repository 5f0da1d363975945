/**
 * Shell completion scripts generated from the command registry, so a new command completes without touching them.
 * zsh loads the bash function through `bashcompinit` (the way the aws CLI and many others ship zsh completion).
 */
import type { Command, OptionsConfig } from '../command.ts';

/** Values completed after options that take one of a few words. */
const OPTION_VALUES: Record<string, readonly string[]> = {
  state: ['scheduled', 'running', 'retrying', 'completed', 'failed', 'cancelled'],
  misfire: ['skip', 'once', 'all'],
  overlap: ['allow', 'skip'],
};
/** Options whose value is a file. */
const FILE_OPTIONS = ['workers'];

/**
 * The completion script for `shell`.
 *
 * @example
 * ```ts
 * io.out(completionScript('bash', COMMANDS, GLOBAL_OPTIONS)); // eval "$(sundial completion bash)"
 * ```
 */
export function completionScript(shell: 'bash' | 'zsh', commands: readonly Command[], globalOptions: OptionsConfig): string {
  const bash = bashScript(commands, globalOptions);
  return shell === 'bash' ? bash : `#compdef sundial\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
}

function bashScript(commands: readonly Command[], globalOptions: OptionsConfig): string {
  const flags = (options: OptionsConfig = {}) => Object.keys(options).map((o) => `--${o}`).join(' ');
  const valued = Object.entries(globalOptions).filter(([, o]) => o.type === 'string').map(([name]) => `--${name}`).join('|');
  const topLevel = [...new Set(commands.map((c) => c.name.split(' ')[0]))].join(' ');
  const perCommand = commands
    .filter((c) => !c.name.includes(' '))
    .map((c) => {
      const args = c.completes?.files ? '$(compgen -f -- "$cur")' : (c.completes?.words ?? []).join(' ');
      return `    ${c.name}) opts="${flags(c.options)}"; args="${args}" ;;`;
    })
    .join('\n');
  const values = Object.entries(OPTION_VALUES)
    .map(([name, words]) => `    --${name}) COMPREPLY=( $(compgen -W "${words.join(' ')}" -- "$cur") ); return ;;`)
    .join('\n');
  return `# sundial completion: eval "$(sundial completion bash)" in ~/.bashrc
_sundial() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local global="${flags(globalOptions)}" cmd="" opts="" args="" i=1
  # The command is the first word that is neither an option nor the value of a global option.
  while [ $i -lt $COMP_CWORD ]; do
    case "\${COMP_WORDS[i]}" in
      ${valued}) i=$((i + 2)); continue ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
    i=$((i + 1))
  done
  case "$prev" in
${values}
    ${FILE_OPTIONS.map((o) => `--${o}`).join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  if [ -z "$cmd" ]; then
    COMPREPLY=( $(compgen -W "${topLevel} $global" -- "$cur") )
    return
  fi
  case "$cmd" in
${perCommand}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts $global" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$args" -- "$cur") )
  fi
}
complete -F _sundial sundial`;
}
