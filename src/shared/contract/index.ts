/**
 * The wire contract of StudySync, shared by the server, the tests and the web client:
 * zod schemas of every REST body, query, path and answer (`rest.ts`), of every socket
 * event and ack (`events.ts`), and the TypeScript types derived from them (`types.ts`).
 *
 * Node-free and server-free by design: it imports only `zod`, `@asteasolutions/zod-to-openapi`
 * and `src/shared/enums.ts`, so the web client can `import type` from it (the types
 * cost nothing in its bundle) and `tsc -p web` checks it under the browser's libraries.
 * docs/API.md is its human-readable form.
 */
export * from './chat';
export * from './dev';
export * from './errors';
export * from './events';
export * from './groups';
export * from './leaderboards';
export * from './notifications';
export * from './ops';
export * from './primitives';
export * from './resources';
export * from './rest';
export * from './rooms';
export * from './sessions';
export * from './timers';
export * from './types';
export * from './uploads';
export * from './users';
export { z } from './zod';
