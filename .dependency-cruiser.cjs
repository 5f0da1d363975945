/**
 * The layering of DESIGN §1, checked by dependency-cruiser (`npm run deps:check`, and in the test suite):
 * lib/core imports nothing of ours; lib never imports functions/ or infra/; functions never import infra/; nothing
 * below the CLI imports cli/; no cycles.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'lib/core is pure time math: it may import only other lib/core modules and cron-parser.',
      severity: 'error',
      from: { path: '^lib/core/' },
      to: { pathNot: ['^lib/core/', 'cron-parser'] },
    },
    {
      name: 'core-no-aws',
      severity: 'error',
      from: { path: '^lib/core/' },
      to: { path: '@aws-sdk|@aws-lambda-powertools|aws-cdk-lib' },
    },
    {
      name: 'lib-not-up',
      comment: 'The library never reaches into the handlers or the infrastructure.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(functions|infra|bin|bench|examples|cli)/' },
    },
    {
      name: 'functions-not-infra',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(infra|bin|bench|cli)/' },
    },
    {
      name: 'cli-on-top',
      comment: 'The CLI sits on top of every layer (DESIGN §1): nothing below imports it.',
      severity: 'error',
      from: { path: '^(lib|functions|infra)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^(lib|functions|infra|cli)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js'] },
  },
};
