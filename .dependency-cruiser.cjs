// The import graph's rules, checked by `npm run lint` (depcruise). Layers: functions/ (handlers) and lib/
// (topology, CDK, local runtime) sit on shared/; shared/domain is pure (no I/O); services in shared/ outside shared/http know
// nothing of HTTP; nothing imports in a circle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle that exists at run time: split the shared part out, or pass it in. (A cycle through `import type` alone is erased by the compiler.)',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'shared-not-lib',
      severity: 'error',
      comment: 'shared/ is what the Lambdas run; lib/ (topology, CDK, local runtime) builds on it, never the reverse.',
      from: { path: '^shared/' },
      to: { path: '^lib/' },
    },
    {
      name: 'shared-not-functions',
      severity: 'error',
      comment: 'Handlers are entry points; shared code never imports them.',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'services-not-http',
      severity: 'error',
      comment:
        'Services throw the plain domain errors of shared/errors.ts and return data; only the HTTP edge (shared/http, the handlers in functions/, lib/) knows statuses and problem+json.',
      from: { path: '^shared/', pathNot: '^shared/http/' },
      to: { path: '^shared/http/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'shared/domain is pure computation: it imports only shared/domain and zod (schemas are values), no database, network, files, clock or SDK package.',
      from: { path: '^shared/domain/' },
      to: { pathNot: ['^shared/domain/', '^node_modules/zod/'] },
    },
    {
      name: 'time-is-passed-in',
      severity: 'error',
      comment:
        'Handlers read the clock (shared/clock.ts) once and pass `now` down; shared/ takes it as an argument. connection.ts signs RDS IAM tokens on the wall clock (RDS checks the date). The vendor adapters take a Clock from their caller (a type-only import).',
      from: { path: '^shared/', pathNot: ['^shared/clock\\.ts$', '^shared/db/connection\\.ts$'] },
      to: { path: '^shared/clock\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (aws-lambda is types only: @types/aws-lambda).',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules stays in the graph as leaves (doNotFollow), so a rule can see which packages a layer imports.
    exclude: { path: ['^cdk\\.out', '^\\.data'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
