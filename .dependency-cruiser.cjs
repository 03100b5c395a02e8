// The layers as drawn, checked on every `npm run lint` (`npm run lint:deps`):
//   packages/core            pure rules; imports nothing of the apps
//   apps/server/src/db       the database layer (connection, schema, migrations); knows no feature
//   apps/server/src/lib      shared server helpers; know no feature either
//   apps/server/src/modules  one folder per capability, above db/ and lib/
//   server level             app.ts, cli.ts, main.ts, bootstrap/: wires the modules together
// and no circle anywhere: between files, and between the capability folders (modules/<a> and
// modules/<b> never both import the other; one sits above). Test files (*.test.ts) may reach across
// the layers to set up and check what they test, and nothing imports them, so they are left out of
// the cruise (src/test/, the helpers they share, is cruised: no source file imports it either).
//
// Not checked: db/ and lib/ import each other at folder level (db/connection-queue.ts raises
// lib/errors.ts's AppError; lib/db-lanes.ts wraps routes around db/connection-queue.ts), a loop
// between the two lower layers, with no file circle and no module in it.
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
      name: 'no-circular-modules',
      severity: 'error',
      scope: 'folder',
      comment:
        'Two capability folders that import each other, directly or round a loop: one must sit above ' +
        'the other (move the route or the orchestration up, as stock/ and merge/ do).',
      from: { path: '^apps/server/src/modules/' },
      to: { circular: true },
    },
    {
      name: 'db-knows-no-module',
      severity: 'error',
      comment:
        'The database layer (apps/server/src/db) must know no feature: no import from modules/. ' +
        'Work that needs modules (bootstrap, seeding) belongs at the server level.',
      from: { path: '^apps/server/src/db/' },
      to: { path: '^apps/server/src/modules/' },
    },
    {
      name: 'lib-knows-no-module',
      severity: 'error',
      comment: 'Shared server helpers (apps/server/src/lib) must know no feature: no import from modules/.',
      from: { path: '^apps/server/src/lib/' },
      to: { path: '^apps/server/src/modules/' },
    },
    {
      name: 'lower-layers-know-no-server-level',
      severity: 'error',
      comment: 'db/, lib/ and modules/ must not import the server level (app.ts, cli.ts, main.ts, bootstrap/).',
      from: { path: '^apps/server/src/(db|lib|modules)/' },
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
    exclude: { path: '(^|/)(dist|node_modules)/|\\.test\\.ts$' },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
