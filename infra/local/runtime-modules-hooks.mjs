// Module resolution hooks of the local Lambda runtime (registered by lambda-bootstrap.mjs with `module.register`).
// On AWS the Node.js runtime provides AWS SDK v3 next to the function, so bundles may leave `@aws-sdk/*` and
// `@smithy/*` out (sundial's own carry their SDK; NodejsFunction leaves it out by default). A bundle synthesized into a temp folder finds no `node_modules` above it, so a bare import of a runtime-provided
// package that fails from the bundle's folder is resolved again from the folder that holds the runtime's copy (the
// sundial package). Only the runtime-provided patterns get this second chance: a bundle that leaves out anything
// else fails here as it would on AWS. Plain JavaScript: hooks run in Node's loader thread, without a TS loader.

/** @type {{ parentUrl: string, patterns: string[] }} */
let runtime = { parentUrl: '', patterns: [] };

/** Receives `data` from `module.register`: the folder URL to resolve from and the esbuild-style patterns. */
export function initialize(data) {
  runtime = data;
}

/** `@aws-sdk/*` matches `@aws-sdk/client-sqs`; a pattern without `*` matches that one name. */
function isRuntimeProvided(specifier) {
  return runtime.patterns.some((pattern) => {
    const star = pattern.indexOf('*');
    return star < 0 ? specifier === pattern : specifier.startsWith(pattern.slice(0, star));
  });
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isRuntimeProvided(specifier)) throw error;
    return await nextResolve(specifier, { ...context, parentURL: runtime.parentUrl });
  }
}
