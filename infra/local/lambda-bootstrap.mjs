// The local Lambda runtime's child process: loads one bundled handler and runs the invocations its parent sends over
// IPC, one at a time, like a Lambda execution environment. Plain JavaScript on purpose: the bundle must run on plain
// `node` with no TypeScript loader in between, exactly as it would on AWS.
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.SUNDIAL_LOCAL_HANDLER_FILE;
const exportName = process.env.SUNDIAL_LOCAL_HANDLER_EXPORT;
const runtimeModules = process.env.SUNDIAL_LOCAL_RUNTIME_MODULES;
delete process.env.SUNDIAL_LOCAL_HANDLER_FILE;
delete process.env.SUNDIAL_LOCAL_HANDLER_EXPORT;
delete process.env.SUNDIAL_LOCAL_RUNTIME_MODULES;

// What Lambda's runtime provides (AWS SDK v3) resolves for ES module bundles through these hooks; CommonJS bundles
// find it through NODE_PATH, which the parent sets as Lambda does.
if (runtimeModules) {
  register('./runtime-modules-hooks.mjs', { parentURL: import.meta.url, data: JSON.parse(runtimeModules) });
}

/** CommonJS bundles (`.js` without `"type": "module"` above them, `.cjs`) load with require, the rest with import. */
async function load() {
  if (file.endsWith('.mjs')) return await import(pathToFileURL(file).href);
  try {
    return createRequire(file)(file);
  } catch (error) {
    if (error && error.code === 'ERR_REQUIRE_ESM') return await import(pathToFileURL(file).href);
    throw error;
  }
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
    return fn;
  });
  return handlerPromise;
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, event, context: base } = message;
  const context = {
    ...base,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, base.deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
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
    process.send({ type: 'result', id, ok: true, value: value === undefined ? null : value });
  } catch (error) {
    console.error(error);
    process.send({ type: 'result', id, ok: false, error: serializeError(error) });
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
