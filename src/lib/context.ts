import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Sequelize } from 'sequelize';
import type { CacheBus } from './cache';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Queues } from './queues';
import type { ObjectStorage } from './storage';

/**
 * The toolbox of one process (API node or worker), built once by `createInfrastructure`
 * (bootstrap.ts) and passed down explicitly: no module-level singletons. It knows no
 * table, socket or feature; the application's context (`src/context.ts`) adds the
 * broadcaster on top of it.
 */
export interface InfraContext {
  config: Config;
  logger: Logger;
  /** The connection pool; repositories run on it (or in a transaction of it). */
  sequelize: Sequelize;
  /** Command client; fails fast while Redis is down. */
  redis: Redis;
  queues: Queues;
  metrics: Registry;
  /** Uploaded bytes (`STORAGE_DRIVER`): the embedded disk store or S3. */
  storage: ObjectStorage;
  /** Node-local read caches invalidated across every process of the deployment (cache.ts). */
  caches: CacheBus;
  /** A Redis key under the deployment prefix: `key('timer', userId)` → `ss:timer:user_1`. */
  key(...parts: Array<string | number>): string;
}

export const keyMaker =
  (prefix: string) =>
  (...parts: Array<string | number>): string =>
    `${prefix}${parts.join(':')}`;
