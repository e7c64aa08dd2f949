import path from 'node:path';
import { Client } from 'pg';
import { Sequelize, type QueryInterface } from 'sequelize';
import { SequelizeStorage, Umzug, type MigrationFn } from 'umzug';
import type { Logger } from './logger';

/** One Sequelize instance per process; connection failures surface fast so requests get 503. */
export function createSequelize(databaseUrl: string, options: { poolMax?: number; logger?: Logger } = {}): Sequelize {
  const { logger } = options;
  return new Sequelize(databaseUrl, {
    dialect: 'postgres',
    logging: logger ? (sql: string) => logger.trace({ sql }, 'sql') : false,
    timezone: '+00:00',
    pool: { max: options.poolMax ?? 10, min: 0, acquire: 5000, idle: 10_000 },
    dialectOptions: { connectionTimeoutMillis: 3000, application_name: 'studysync' },
    retry: { max: 0 },
  });
}

/** Creates the database named in the URL when it is missing (used by `npm start` and tests). */
export async function ensureDatabase(databaseUrl: string, template?: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Unsupported database name: ${name}`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
    } catch (error) {
      // Another process created it first.
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string, name: string): Promise<void> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Umzug over `migrations/` (TypeScript under tsx/jest, JavaScript from `dist/`). */
export function createMigrator(sequelize: Sequelize, logger?: Logger): Umzug<QueryInterface> {
  const dir = path.resolve(__dirname, '..', '..', 'migrations');
  return new Umzug({
    migrations: {
      glob: [`${dir}/*.{ts,js}`, { ignore: ['**/*.d.ts'] }],
      // Recorded without the extension, so a database migrated under tsx (.ts) is
      // recognised as up to date by the compiled build (.js) and vice versa.
      resolve: ({ name, path: file, context }) => {
        if (!file) throw new Error(`migration ${name} has no file`);
        const migration = require(file) as { up: MigrationFn<QueryInterface>; down: MigrationFn<QueryInterface> };
        const bare = name.replace(/\.(ts|js)$/, '');
        return {
          name: bare,
          up: () => migration.up({ name: bare, path: file, context }),
          down: () => migration.down({ name: bare, path: file, context }),
        };
      },
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'sequelize_meta' }),
    logger: logger ? { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m), debug: (m) => logger.debug(m) } : undefined,
  });
}
