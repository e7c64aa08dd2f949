/**
 * The layers of StudySync and the direction of their imports (docs/ARCHITECTURE.md
 * "Layers"), checked by `npm run check:layers` (dependency-cruiser) in `npm run check`.
 *
 *   src/bin, workers/main.ts, seeders/run.ts   process entry points
 *   src/server.ts + app.ts + sockets.ts,        composition roots: wire config → toolbox →
 *   workers/worker.ts                            models → broadcaster → routes/handlers/processors
 *   src/components/<name>/                      features: routes/handlers → service → repository
 *   src/context.ts                              AppContext = toolbox + broadcaster
 *   src/realtime/  src/db/                      the socket contract and plumbing; models and data-access helpers
 *   src/lib/                                    the toolbox: knows no table, socket or feature
 *   src/shared/                                 pure, Node-free code the web client imports too
 *
 * An arrow from a lower layer to a higher one is an error. Type-only imports count too,
 * except where a rule says otherwise (models' types are fine anywhere: they compile away).
 */
const PROCESS = '^src/bin/|^src/(app|server|sockets)\\.ts$|^workers/|^seeders/|^migrations/';
/** Files that may call the models or run SQL: repositories, the data-access helpers and models, the demo-data scripts. */
const DATA_ACCESS = ['\\.repository\\.ts$', '^src/db/', '^seeders/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'policy-has-no-imports',
      comment: 'src/shared/policy.ts is the permission table the server and the web client both run: pure, it imports nothing.',
      severity: 'error',
      from: { path: '^src/shared/policy\\.ts$' },
      to: {},
    },
    {
      name: 'shared-is-node-free',
      comment: 'src/shared/ is bundled into the web client: no Node built-ins and nothing of the server.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: `^src/(?!shared/)|${PROCESS}` },
    },
    {
      name: 'shared-has-no-node-builtins',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'lib-is-the-toolbox',
      comment: 'src/lib/ knows no table, socket or feature: no models, no realtime, no component, no process wiring.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: `^src/(db|realtime|components)/|^src/context\\.ts$|${PROCESS}` },
    },
    {
      name: 'db-is-below-features',
      comment: 'Models and data-access helpers know no socket, feature or process.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: `^src/(realtime|components)/|^src/context\\.ts$|${PROCESS}` },
    },
    {
      name: 'realtime-knows-no-feature',
      comment: 'The socket contract and plumbing (events, handle(), broadcaster, io) know no table and no component.',
      severity: 'error',
      from: { path: '^src/realtime/' },
      to: { path: `^src/(db|components)/|^src/context\\.ts$|${PROCESS}` },
    },
    {
      name: 'context-is-below-features',
      severity: 'error',
      from: { path: '^src/context\\.ts$' },
      to: { path: `^src/components/|${PROCESS}` },
    },
    {
      name: 'features-know-no-process',
      comment: 'A component is wired by the composition roots; it never reaches for them, nor for the process plumbing.',
      severity: 'error',
      from: { path: '^src/components/' },
      to: { path: `${PROCESS}|^src/lib/(process|bootstrap)\\.ts$` },
    },
    {
      name: 'components-meet-through-index',
      comment:
        'Another component is reached through its index.ts (its public API); only its pure rules (*.rules.ts) and contract shapes (*.dto.ts, *.schemas.ts) may be imported directly.',
      severity: 'error',
      from: { path: '^src/components/([^/]+)/' },
      to: { path: '^src/components/[^/]+/', pathNot: ['^src/components/$1/', '/index\\.ts$', '\\.(rules|dto|schemas)\\.ts$'] },
    },
    {
      name: 'wiring-goes-through-index',
      comment: 'Composition roots, workers and seeders reach components through their index.ts (or pure rules and contract shapes).',
      severity: 'error',
      from: { path: PROCESS },
      to: { path: '^src/components/[^/]+/', pathNot: ['/index\\.ts$', '\\.(rules|dto|schemas)\\.ts$'] },
    },
    {
      name: 'models-only-in-data-access',
      comment:
        'Only repositories, src/db/ and the seeders use the models at runtime; the composition roots only bind them (initModels). Types of the models and the enum tuples (enums.ts) are fine anywhere.',
      severity: 'error',
      from: { pathNot: [...DATA_ACCESS, '^src/server\\.ts$', '^workers/worker\\.ts$'] },
      to: { path: '^src/db/models/(?!enums\\.ts$)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'sequelize-only-in-data-access',
      comment:
        'Sequelize at runtime (Op, QueryTypes, errors, models) only in data access; lib/db.ts opens the pool, lib/error-mapping.ts maps its errors; migrations use the QueryInterface.',
      severity: 'error',
      from: { pathNot: [...DATA_ACCESS, '^src/lib/(db|error-mapping)\\.ts$', '^migrations/'] },
      to: { path: '^node_modules/sequelize/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'repositories-are-private',
      comment: 'A repository is imported by its own component only (which may re-export reads in its index.ts).',
      severity: 'error',
      from: { path: '^src/components/([^/]+)/' },
      to: { path: '\\.repository\\.ts$', pathNot: '^src/components/$1/' },
    },
    {
      name: 'web-runs-only-shared',
      comment: 'The web client bundles nothing of the server but src/shared/.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^(src/(?!shared/)|workers/|seeders/|migrations/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-types-only-from-the-contract',
      comment: 'The web client takes code and types from src/shared/ only (the contract, the enums, the policy).',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^(src/(?!shared/)|workers/|seeders/|migrations/)' },
    },
    {
      name: 'nothing-imports-an-entry-point',
      comment: 'Entry points run; they are not libraries.',
      severity: 'error',
      from: { pathNot: '^src/bin/' },
      to: { path: '^src/bin/|^workers/main\\.ts$|^seeders/run\\.ts$' },
    },
    {
      name: 'workers-know-no-api-node',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^src/(bin/|app\\.ts$|server\\.ts$|sockets\\.ts$)|^seeders/' },
    },
    {
      name: 'application-knows-no-tests',
      severity: 'error',
      from: { path: '^(src|workers|seeders|migrations|web/src)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
