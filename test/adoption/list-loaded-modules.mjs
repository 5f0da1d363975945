// Imports the module given as argv[2] in this fresh process and prints, as JSON, the URL of every module that import
// loaded (ES modules and CommonJS alike: synchronous hooks see both). Node ≥ 22.15.
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    loaded.add(resolved.url);
    return resolved;
  },
});
await import(process.argv[2]);
console.log(JSON.stringify([...loaded]));
