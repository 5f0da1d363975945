#!/usr/bin/env node
// The `sundial` command of the published package (compiled to dist/bin/sundial.js). In this repository,
// `npm run sundial -- <command>` runs the same from source.
import { main } from './cli.ts';

// On Node < 22 the AWS SDK prints a multi-line NodeVersionSupportWarning on the first client, into every command's
// output. The SDK's own switch turns off that one warning (checked when a client is built, so setting it here is in
// time); every other warning still prints. The user's explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2));
