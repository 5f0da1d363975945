#!/usr/bin/env node
// The `sundial` command of the published package (compiled to dist/bin/sundial.js). In this repository,
// `npm run sundial -- <command>` runs the same from source.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
