/** Where tests find the machine's PostgreSQL and Redis (override with TEST_PG_URL / TEST_REDIS_URL). */
export const PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * The migrated template of this jest run (named after the run's pid, so two runs on one
 * machine never drop each other's databases). Set by global-setup for the test workers.
 */
export const templateDb = (): string => {
  const name = process.env.STUDYSYNC_TEST_TEMPLATE;
  if (!name) throw new Error('STUDYSYNC_TEST_TEMPLATE is not set: run the tests through jest (test/global-setup.ts)');
  return name;
};
export const dbUrl = (name: string): string => `${PG_BASE}/${name}`;

/** Test databases are named `studysync_t_<pid>_…` / `studysync_tpl_<pid>`: their creator's pid. */
export const ownerPid = (datname: string): number | undefined => {
  const match = /^studysync_(?:t|tpl)_(\d+)/.exec(datname);
  return match ? Number(match[1]) : undefined;
};
