/** The options every `sundial` command takes (main.ts documents them in the help). */
import type { OptionsConfig } from './command.ts';

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  stack: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  tz: { type: 'string' },
} as const satisfies OptionsConfig;
