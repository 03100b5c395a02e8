// The layers as drawn, checked on every `npm run lint` (`npm run lint:deps`):
//   packages/core            pure rules; imports nothing of the apps
//   apps/server/src/db       the database layer (connection, schema, migrations); knows no feature
//   apps/server/src/lib      shared server helpers; know no feature either
//   apps/server/src/modules  one folder per capability, above db/ and lib/
//   server level             app.ts, cli.ts, main.ts, bootstrap/: wires the modules together
// and no circle anywhere. Test files (*.test.ts, src/test/) may reach across the layers to set up
// and check what they test, so the layer rules leave them out; a circle is a circle everywhere.
//
// The sources are TypeScript 7, whose compiler dependency-cruiser cannot load (it supports
// typescript < 7), so it parses them with swc (`parser: "swc"`), which keeps type-only imports:
// an `import type` across a layer counts like any other import. (Its closing note
// "missing-tsc-transpiler" says so: with swc the TypeScript sources are read all the same.)
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module that reaches itself again through its imports: break the circle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'db-knows-no-module',
      severity: 'error',
      comment:
        'The database layer (apps/server/src/db) must know no feature: no import from modules/. ' +
        'Work that needs modules (bootstrap, seeding) belongs at the server level.',
      from: { path: '^apps/server/src/db/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/server/src/modules/' },
    },
    {
      name: 'lib-knows-no-module',
      severity: 'error',
      comment: 'Shared server helpers (apps/server/src/lib) must know no feature: no import from modules/.',
      from: { path: '^apps/server/src/lib/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/server/src/modules/' },
    },
    {
      name: 'lower-layers-know-no-server-level',
      severity: 'error',
      comment: 'db/, lib/ and modules/ must not import the server level (app.ts, cli.ts, main.ts, bootstrap/).',
      from: { path: '^apps/server/src/(db|lib|modules)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/server/src/(app|cli|main)\\.ts$|^apps/server/src/bootstrap/' },
    },
    {
      name: 'core-stands-alone',
      severity: 'error',
      comment: 'packages/core holds pure rules: it imports only itself and npm packages, never the apps.',
      from: { path: '^packages/core/' },
      to: { path: '^apps/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing: a typo, or a file moved without its importers.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // The workspace package @tiemchung/core is read from its sources (the `source` export
    // condition, as Vitest and `npm run bench` do), so the graph links the server to packages/core.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'default'],
    },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
