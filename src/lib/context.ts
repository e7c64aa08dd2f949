import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Sequelize } from 'sequelize';
import type { Broadcaster } from '../realtime/broadcaster';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Queues } from './queues';
import type { ObjectStorage } from './storage';

/**
 * Everything a use-case may need, built once per process (API node or worker) and
 * passed down explicitly: no module-level singletons besides the Sequelize models.
 */
export interface AppContext {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  /** Command client; fails fast while Redis is down. */
  redis: Redis;
  queues: Queues;
  broadcast: Broadcaster;
  metrics: Registry;
  /** Uploaded bytes (`STORAGE_DRIVER`): the embedded disk store or S3. */
  storage: ObjectStorage;
  /** A Redis key under the deployment prefix: `key('timer', userId)` → `ss:timer:user_1`. */
  key(...parts: Array<string | number>): string;
}

export const keyMaker =
  (prefix: string) =>
  (...parts: Array<string | number>): string =>
    `${prefix}${parts.join(':')}`;
