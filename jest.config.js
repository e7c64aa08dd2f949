/**
 * Three projects (`npx jest --selectProjects unit`, …; `npm test` runs them all):
 *
 * - unit: pure rules and other tests that need no PostgreSQL, Redis or network, named
 *   `*.rules.test.ts` (tests of a `*.rules.ts` module) or `*.unit.test.ts`. No global
 *   setup: a test here that reached for a database would fail at once (no template).
 * - component: every other test, through the real edges: HTTP, Socket.IO, PostgreSQL,
 *   Redis, BullMQ, child processes, the browser. The global setup migrates a template
 *   database that each test file clones.
 * - realtime-websocket: test/realtime again with TEST_SOCKET_TRANSPORTS=websocket, so
 *   the real-time contract holds on both Socket.IO transports.
 *
 * @type {import('jest').Config}
 */
const unitFiles = ['**/*.rules.test.ts', '**/*.unit.test.ts'];
/** Everything but the unit files (testPathIgnorePatterns are regular expressions). */
const notUnit = ['/node_modules/', '/dist/', '\\.rules\\.test\\.ts$', '\\.unit\\.test\\.ts$'];

const project = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
};
const withDatabase = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};

module.exports = {
  // Run-wide options (Jest reads these only here, not per project).
  maxWorkers: 2,
  testTimeout: 30000,
  projects: [
    { ...project, displayName: 'unit', roots: ['<rootDir>/test'], testMatch: unitFiles },
    {
      ...project,
      ...withDatabase,
      displayName: 'component',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: notUnit,
    },
    {
      ...project,
      ...withDatabase,
      displayName: 'realtime-websocket',
      roots: ['<rootDir>/test/realtime'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: notUnit,
      setupFiles: ['<rootDir>/test/setup/websocket-transport.ts'],
    },
  ],
};
