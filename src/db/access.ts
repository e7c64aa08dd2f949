/**
 * The helpers every repository uses. Repositories (`src/components/<name>/*.repository.ts`)
 * are the only code that calls the models or runs SQL; they take a `Db` first and return
 * plain objects, never model instances.
 */
import { ConnectionError, DatabaseError, type Model, QueryTypes, type Sequelize, Transaction } from 'sequelize';

/**
 * Where a repository call runs: on the pool (`ctx.sequelize`) or inside the caller's
 * transaction (the `tx` of `ctx.sequelize.transaction(async (tx) => …)`), so a use-case
 * decides its unit of work and a repository just runs in it. Functions that lock rows
 * (`… FOR UPDATE`) take a `Transaction`: a lock outside one would be released at once.
 */
export type Db = Sequelize | Transaction;

/** The pool a `Db` runs on and its transaction, if any. */
function parts(db: Db): { sequelize: Sequelize; transaction: Transaction | undefined } {
  if (db instanceof Transaction) {
    // Sequelize sets `transaction.sequelize` (its typings leave it out).
    return { sequelize: (db as unknown as { sequelize: Sequelize }).sequelize, transaction: db };
  }
  return { sequelize: db, transaction: undefined };
}

/** Did PostgreSQL refuse the statement (a constraint, a type, a lock timeout…), rather than something after it? */
export const isStatementError = (error: unknown): boolean => error instanceof DatabaseError;

/** Is this `Db` a transaction (rather than the pool)? */
export const isTransaction = (db: Db): db is Transaction => db instanceof Transaction;

/** Options of a model call: the transaction, when inside one. */
export const within = (db: Db): { transaction?: Transaction } => {
  const { transaction } = parts(db);
  return transaction ? { transaction } : {};
};

/** Options of a model call that locks the rows it reads until the transaction ends. */
export const locking = (tx: Transaction): { transaction: Transaction; lock: Transaction['LOCK']['UPDATE'] } => ({ transaction: tx, lock: tx.LOCK.UPDATE });

/** Rows of a SELECT (or of a statement with RETURNING), as plain objects. */
export function select<T extends object>(db: Db, sql: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  const { sequelize, transaction } = parts(db);
  return sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });
}

/** The first row of a SELECT, or null. */
export async function selectOne<T extends object>(db: Db, sql: string, replacements: Record<string, unknown> = {}): Promise<T | null> {
  const [row] = await select<T>(db, sql, replacements);
  return row ?? null;
}

/** What `selectPrepared` uses of a pooled connection (a `pg` Client). */
interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** A `pg` error as Sequelize reports it: SQLSTATE → DatabaseError (`original` holds it), none → ConnectionError. */
function asSequelizeError(error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return new DatabaseError(error as ConstructorParameters<typeof DatabaseError>[0]);
  }
  return new ConnectionError(error instanceof Error ? error : new Error(String(error)));
}

/**
 * Rows of a hot statement with `$1…` parameters. On the pool it runs as a named prepared
 * statement: each connection has PostgreSQL parse and plan it once, then only binds and
 * executes it (a chat message's insert went from ~1.7 to ~1.1 ms, and ~0.4 to ~0.2 ms
 * of this process's CPU; docs/PERFORMANCE.md). Errors come back as Sequelize's (a refused
 * statement is a DatabaseError, so `isStatementError` holds; a lost connection is a
 * ConnectionError). Inside a transaction it runs through Sequelize on the transaction's
 * connection, with the same parameters. `name` must stand for this one SQL text.
 */
export async function selectPrepared<T extends object>(db: Db, name: string, sql: string, values: unknown[]): Promise<T[]> {
  const { sequelize, transaction } = parts(db);
  if (transaction) return sequelize.query<T>(sql, { bind: values, type: QueryTypes.SELECT, transaction });
  const manager = sequelize.connectionManager as unknown as {
    getConnection(options: { type: 'write' }): Promise<PgConnection>;
    releaseConnection(connection: PgConnection): Promise<void> | void;
  };
  const connection = await manager.getConnection({ type: 'write' });
  try {
    return (await connection.query({ name, text: sql, values })).rows as T[];
  } catch (error) {
    throw asSequelizeError(error);
  } finally {
    await manager.releaseConnection(connection);
  }
}

/** Runs a statement that returns no rows. */
export async function execute(db: Db, sql: string, replacements: Record<string, unknown> = {}): Promise<void> {
  const { sequelize, transaction } = parts(db);
  await sequelize.query(sql, { replacements, transaction });
}

/** A model instance as a plain object (included associations too); null stays null. */
export function plain<T>(instance: Model | null | undefined): T | null {
  return instance ? (instance.get({ plain: true }) as T) : null;
}

/** Runs `work` in a savepoint of `db`'s transaction (or in a new transaction): a failure rolls back only `work`. */
export function savepoint<T>(db: Db, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const { sequelize, transaction } = parts(db);
  return transaction ? sequelize.transaction({ transaction }, work) : sequelize.transaction(work);
}
