/** Where tests find the machine's PostgreSQL and Redis (override with TEST_PG_URL / TEST_REDIS_URL). */
export const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEMPLATE_DB = 'studysync_test_template';
export const dbUrl = (name: string): string => `${PG_BASE}/${name}`;
