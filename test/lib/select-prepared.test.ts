import { DatabaseError, type Sequelize } from 'sequelize';
import { isStatementError, selectPrepared } from '../../src/db/access';
import { createSequelize } from '../../src/lib/db';
import { type Isolation, isolate } from '../helpers/database';

/** Hot statements run as named prepared statements on the pool (src/db/access.ts). */
describe('selectPrepared', () => {
  let iso: Isolation;
  let sequelize: Sequelize;
  beforeAll(async () => {
    iso = await isolate();
    // One connection: every call below runs on the same PostgreSQL session.
    sequelize = createSequelize(iso.databaseUrl, { poolMax: 1 });
  });
  afterAll(async () => {
    await sequelize?.close();
    await iso?.cleanup();
  });

  const preparedOnSession = async (): Promise<string[]> =>
    (
      await selectPrepared<{ name: string }>(sequelize, 'test-list-prepared', 'SELECT name FROM pg_prepared_statements WHERE name LIKE $1 ORDER BY name', [
        'test-%',
      ])
    ).map((r) => r.name);

  it('when run twice on the pool, then rows come back as plain objects and PostgreSQL keeps the statement prepared on the session', async () => {
    const sql = 'SELECT n, n * $2::int AS twice FROM unnest($1::int[]) AS n ORDER BY n';
    expect(await selectPrepared(sequelize, 'test-twice', sql, [[3, 1, 2], 2])).toEqual([
      { n: 1, twice: 2 },
      { n: 2, twice: 4 },
      { n: 3, twice: 6 },
    ]);
    expect(await selectPrepared(sequelize, 'test-twice', sql, [[5], 3])).toEqual([{ n: 5, twice: 15 }]);
    expect(await preparedOnSession()).toEqual(['test-list-prepared', 'test-twice']);
  });

  it('when PostgreSQL refuses the statement, then it is a Sequelize DatabaseError with the SQLSTATE, and the connection serves the next call', async () => {
    const refused = await selectPrepared(sequelize, 'test-divide', 'SELECT 1 / $1::int AS q', [0]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DatabaseError);
    expect(isStatementError(refused)).toBe(true);
    expect((refused as DatabaseError & { original: { code?: string } }).original.code).toBe('22012');
    expect(await selectPrepared(sequelize, 'test-divide', 'SELECT 1 / $1::int AS q', [1])).toEqual([{ q: 1 }]);
  });

  it('when given a transaction, then it runs inside it: its rows are gone with a rollback', async () => {
    await sequelize.query('CREATE TABLE prepared_probe (v int)');
    await sequelize
      .transaction(async (tx) => {
        expect(await selectPrepared(tx, 'test-insert', 'INSERT INTO prepared_probe (v) SELECT unnest($1::int[]) RETURNING v', [[7, 8]])).toEqual([
          { v: 7 },
          { v: 8 },
        ]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await selectPrepared(sequelize, 'test-count', 'SELECT count(*)::int AS c FROM prepared_probe', [])).toEqual([{ c: 0 }]);
  });
});
