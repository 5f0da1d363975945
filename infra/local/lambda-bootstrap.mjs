// The local Lambda runtime's child process: loads one bundled handler and runs the invocations its parent sends over
// IPC, one at a time, like a Lambda execution environment. Plain JavaScript on purpose: the bundle must run on plain
// `node` with no TypeScript loader in between, exactly as it would on AWS.
import { existsSync, readFileSync } from 'node:fs';
import { Module, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const file = process.env.SUNDIAL_LOCAL_HANDLER_FILE;
const exportName = process.env.SUNDIAL_LOCAL_HANDLER_EXPORT;
const runtimeModules = process.env.SUNDIAL_LOCAL_RUNTIME_MODULES;
const runtime = process.env.SUNDIAL_LOCAL_RUNTIME ?? '';
delete process.env.SUNDIAL_LOCAL_HANDLER_FILE;
delete process.env.SUNDIAL_LOCAL_HANDLER_EXPORT;
delete process.env.SUNDIAL_LOCAL_RUNTIME_MODULES;
delete process.env.SUNDIAL_LOCAL_RUNTIME;

// Lambda's Node.js 24 runtime and later run async handlers only: a handler that declares a third (callback) parameter
// fails its init with this error, and the context has no callback-era members (callbackWaitsForEmptyEventLoop, done,
// fail, succeed). Earlier runtimes keep both. (aws-lambda-nodejs-runtime-interface-client, callback-deprecation.ts.)
const asyncHandlersOnly = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? 0) >= 24;
const CALLBACK_HANDLER_REMOVED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to ' +
  'modify this function to use a supported handler signature to use Node.js 24 or later. For more information see ' +
  'https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

// What Lambda's runtime provides (AWS SDK v3) resolves for ES module bundles through these hooks; CommonJS bundles
// find it through NODE_PATH, which the parent sets as Lambda does.
if (runtimeModules) {
  register('./runtime-modules-hooks.mjs', { parentURL: import.meta.url, data: JSON.parse(runtimeModules) });
}

/**
 * How Lambda loads a handler: `.mjs` as an ES module, `.cjs` as CommonJS, and `.js` by the `"type"` of the package.json
 * at the function's root (the asset folder) only: a zip has nothing above it. Locally the asset folder sits inside a
 * project (e.g. an app's `cdk.out` under its `"type": "module"` package.json), so Node's own lookup would climb past
 * the root; a `.js` bundle without a package.json of its own is compiled as CommonJS here, as on Lambda.
 */
async function load() {
  if (file.endsWith('.mjs')) return await import(pathToFileURL(file).href);
  const rootManifest = join(dirname(file), 'package.json');
  const rootType = existsSync(rootManifest) ? JSON.parse(readFileSync(rootManifest, 'utf8')).type : undefined;
  if (file.endsWith('.js') && rootType === 'module') return await import(pathToFileURL(file).href);
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  mod._compile(readFileSync(file, 'utf8'), file, 'commonjs');
  return mod.exports;
}

function serializeError(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, stackTrace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(error), stackTrace: [] };
}

let handlerPromise;
function handler() {
  handlerPromise ??= load().then((mod) => {
    const fn = mod[exportName] ?? mod.default?.[exportName];
    if (typeof fn !== 'function') {
      throw Object.assign(new Error(`${file} does not export a function "${exportName}"`), {
        name: 'Runtime.HandlerNotFound',
      });
    }
    if (asyncHandlersOnly && fn.length >= 3) {
      throw Object.assign(new Error(CALLBACK_HANDLER_REMOVED), { name: 'Runtime.CallbackHandlerDeprecated' });
    }
    return fn;
  });
  return handlerPromise;
}

const PROC_STATUS = '/proc/self/status';
const HAS_PROC_STATUS = existsSync(PROC_STATUS);

/**
 * REPORT's `Max Memory Used`: this environment's peak resident set so far, in MB. On Linux that is `VmHWM` of
 * /proc/self/status: `getrusage`'s maxRSS keeps the high-water mark of the process before its `exec`, i.e. of the
 * forked copy of the parent (the local stack's own process, hundreds of MB under load), so it overstates. Elsewhere
 * maxRSS is the best there is.
 */
function maxMemoryUsedMb() {
  const hwmKb = HAS_PROC_STATUS ? /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(PROC_STATUS, 'utf8'))?.[1] : undefined;
  return Math.ceil((hwmKb === undefined ? process.resourceUsage().maxRSS : Number(hwmKb)) / 1024);
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, event, context: base } = message;
  // Lambda bills from the moment the handler is called until it returns: the same span, measured here in the
  // environment so the IPC to the parent is not part of it.
  const startedAt = performance.now();
  const durationMs = () => performance.now() - startedAt;
  const context = {
    ...base,
    getRemainingTimeInMillis: () => Math.max(0, base.deadlineMs - Date.now()),
    ...(asyncHandlersOnly
      ? {}
      : { callbackWaitsForEmptyEventLoop: true, done: () => undefined, fail: () => undefined, succeed: () => undefined }),
  };
  try {
    const fn = await handler();
    const value =
      fn.length >= 3
        ? await new Promise((resolve, reject) => {
            const result = fn(event, context, (error, v) => (error ? reject(error) : resolve(v)));
            if (result && typeof result.then === 'function') result.then(resolve, reject);
          })
        : await fn(event, context);
    process.send({ type: 'result', id, ok: true, value: value === undefined ? null : value, durationMs: durationMs(), maxMemoryUsedMb: maxMemoryUsedMb() });
  } catch (error) {
    console.error(error);
    process.send({ type: 'result', id, ok: false, error: serializeError(error), durationMs: durationMs(), maxMemoryUsedMb: maxMemoryUsedMb() });
  }
});

// Unhandled rejections crash a Lambda environment; report them like a failed invocation and let the parent restart.
process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection', reason);
  process.exit(1);
});

// Lambda's init phase: the handler module loads before the first invocation and outside its timeout. A failed load is
// reported by the invocation that needs the handler.
handler().then(
  () => process.send({ type: 'ready' }),
  () => process.send({ type: 'ready' }),
);
