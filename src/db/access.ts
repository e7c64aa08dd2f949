/**
 * The helpers every repository uses. Repositories (`src/components/<name>/*.repository.ts`)
 * are the only code that calls the models or runs SQL; they take a `Db` first and return
 * plain objects, never model instances.
 */
import { DatabaseError, type Model, QueryTypes, type Sequelize, Transaction } from 'sequelize';

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
