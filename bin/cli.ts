/**
 * The `sundial` command line's entry: the commands live in `cli/` (one module each, `cli/commands/index.ts` lists them).
 */
export { main } from '../cli/main.ts';
