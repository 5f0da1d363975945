#!/usr/bin/env node
// The `sundial` command: loads the TypeScript CLI through tsx's loader (the project ships TypeScript sources).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
