import type { CreationAttributes, InferAttributes, Transaction } from 'sequelize';
import { Op, UniqueConstraintError } from 'sequelize';
import { type Db, isTransaction, locking, plain, savepoint, select, selectPrepared, within } from '../../db/access';
import { User, type UserPreferences } from '../../db/models';
import { AppError } from '../../lib/errors';
import { candidateUsername } from './username.rules';

/**
 * The only data access of `users` rows (profile, preferences, the identity written by
 * the auth component). Returns plain objects. The cached `total_study_time` is added to
 * by the sessions component's repository, with the session it counts.
 */

export type UserRecord = InferAttributes<User>;
export type UserChanges = Partial<Pick<UserRecord, 'username' | 'email' | 'firstName' | 'lastName' | 'preferences' | 'deletedAt' | 'updatedAt'>>;

export async function findUser(db: Db, userId: string): Promise<UserRecord | null> {
  // raw: the row as attributes, without building a model instance (every identity-cache miss lands here).
  return (await User.findByPk(userId, { raw: true, ...within(db) })) as UserRecord | null;
}

/**
 * Several users' rows (plain, like `findUser`) in one query; absent ids have no row. A
 * prepared statement (`selectPrepared`): every identity-cache miss comes here in batches
 * (a morning rush, a reconnect storm), and building the statement through `findAll`, then
 * having PostgreSQL plan it, cost more than running it. Columns named, not `*`.
 */
export async function findUsers(db: Db, userIds: readonly string[]): Promise<UserRecord[]> {
  if (userIds.length === 0) return [];
  return selectPrepared<UserRecord>(
    db,
    'users-by-ids',
    `SELECT user_id AS "userId", username, email, first_name AS "firstName", last_name AS "lastName",
            total_study_time AS "totalStudyTime", preferences, created_at AS "createdAt",
            updated_at AS "updatedAt", deleted_at AS "deletedAt"
       FROM users WHERE user_id = ANY($1::varchar[])`,
    [[...userIds]],
  );
}

/** A user whose account was not deleted. */
export async function findActiveUser(db: Db, userId: string): Promise<UserRecord | null> {
  const user = await findUser(db, userId);
  return user && !user.deletedAt ? user : null;
}

/** The user's row, locked until the transaction ends (serialises one user's preference merges and stored sessions). */
export async function lockUser(tx: Transaction, userId: string): Promise<UserRecord | null> {
  return plain<UserRecord>(await User.findByPk(userId, locking(tx)));
}

/** What `lockUsers` returns of each row: the id and the preferences (zone, daily goal). */
export type LockedUser = Pick<UserRecord, 'userId' | 'preferences'>;

/**
 * Several users' rows, locked until the transaction ends, taken in user id order (every
 * caller locking several users does it in this order, so two batches cannot deadlock).
 * Plain SQL with only the columns the session batch reads (hundreds of rows a batch).
 */
export async function lockUsers(tx: Transaction, userIds: readonly string[]): Promise<LockedUser[]> {
  if (userIds.length === 0) return [];
  const rows = await select<{ userId: string; preferences: UserPreferences | null }>(
    tx,
    'SELECT user_id AS "userId", preferences FROM users WHERE user_id IN (:userIds) ORDER BY user_id ASC FOR UPDATE',
    { userIds: [...userIds] },
  );
  return rows.map((r) => ({ userId: r.userId, preferences: r.preferences ?? {} }));
}

/** Another user (not `exceptUserId`) holding `username`, locked. */
export async function lockUsernameHolder(tx: Transaction, username: string, exceptUserId: string): Promise<UserRecord | null> {
  return plain<UserRecord>(await User.findOne({ where: { username, userId: { [Op.ne]: exceptUserId } }, ...locking(tx) }));
}

/** Does anyone but `userId` hold `username`? */
export async function isUsernameTaken(db: Db, username: string, userId: string): Promise<boolean> {
  return (await User.count({ where: { username, userId: { [Op.ne]: userId } }, ...within(db) })) > 0;
}

export async function insertUser(db: Db, values: CreationAttributes<User>): Promise<UserRecord> {
  const user = await User.create(values, within(db));
  return user.get({ plain: true }) as UserRecord;
}

/** Writes the fields that differ (`updated_at` moves only when one does, or when given); null when there is no such user. */
export async function updateUser(db: Db, userId: string, changes: UserChanges): Promise<UserRecord | null> {
  const user = await User.findByPk(userId, within(db));
  if (!user) return null;
  await user.update(changes, within(db));
  return user.get({ plain: true }) as UserRecord;
}

/** The preferences of each of these users (absent ids are left out). */
export async function preferencesOf(db: Db, userIds: string[]): Promise<Map<string, UserPreferences>> {
  const users = await User.findAll({ where: { userId: { [Op.in]: userIds } }, attributes: ['userId', 'preferences'], ...within(db) });
  return new Map(users.map((u) => [u.userId, u.preferences]));
}

/** A write refused by a unique index of `users` (the same id, e-mail or username). */
export const isDuplicateUser = (error: unknown): boolean => error instanceof UniqueConstraintError;

/** A write refused because the username is taken. */
export const isUsernameClash = (error: unknown): boolean =>
  error instanceof UniqueConstraintError &&
  ((error.fields && Object.keys(error.fields).includes('username')) ||
    /users_username_key/.test(String((error.parent as { constraint?: string })?.constraint ?? '')));

/**
 * Finds the first free candidate (`ana`, `ana_2`, …) from the n-th on. `exceptUserId`'s
 * own current name counts as free (a user keeps their name).
 */
async function freeUsername(db: Db, base: string, from: number, exceptUserId?: string): Promise<{ name: string; n: number }> {
  for (let n = from; n < from + 1000; n += 1) {
    const name = candidateUsername(base, n);
    const holder = await User.findOne({ where: { username: name }, attributes: ['userId'], ...within(db) });
    if (!holder || holder.userId === exceptUserId) return { name, n };
  }
  throw new AppError('CONFLICT', 'No free username');
}

/**
 * Writes a user (create or update) under a free username derived from `base`. Two users
 * racing for one name both succeed: the loser of the unique index moves on to the next
 * free suffix (in its own savepoint when inside a transaction). Other unique violations
 * (the same id, the same e-mail) are the caller's.
 */
export async function writeWithFreeUsername<T>(
  db: Db,
  base: string,
  exceptUserId: string | undefined,
  write: (username: string, db: Db) => Promise<T>,
): Promise<T> {
  let from = 1;
  for (let attempt = 0; attempt < 25; attempt += 1) {
    const { name, n } = await freeUsername(db, base, from, exceptUserId);
    try {
      return isTransaction(db) ? await savepoint(db, (sp) => write(name, sp)) : await write(name, db);
    } catch (error) {
      if (!isUsernameClash(error)) throw error;
      // Taken meanwhile: past the first few rounds jump ahead, so a crowd spreads out.
      from = attempt < 5 ? n + 1 : n + 1 + Math.floor(Math.random() * 1000);
    }
  }
  throw new AppError('UNAVAILABLE', 'Could not find a free username, try again');
}

/** A row of a user search: what a friend finder shows, and the keyset of its order. */
export interface UserSearchRow {
  userId: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  /** `lower(username)`: the order (then `userId`) and the cursor. */
  key: string;
}

/**
 * Live accounts (not deleted, not `exceptUserId`) whose username starts with `prefix`
 * (case-insensitive; `%`, `_` and `\` are literal), by `lower(username)` then user id,
 * after the keyset `after`; `limit` rows. The prefix match uses
 * `users_username_lower_pattern_idx` (migration 0007).
 */
export async function searchByUsernamePrefix(
  db: Db,
  page: { prefix: string; exceptUserId: string; limit: number; after?: { key: string; userId: string } },
): Promise<UserSearchRow[]> {
  const pattern = `${page.prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return select<UserSearchRow>(
    db,
    `SELECT user_id AS "userId", username, first_name AS "firstName", last_name AS "lastName", lower(username) AS key
       FROM users
      WHERE deleted_at IS NULL AND lower(username) LIKE :pattern ESCAPE '\\' AND user_id <> :exceptUserId
        ${page.after ? 'AND (lower(username), user_id) > (:afterKey, :afterUserId)' : ''}
      ORDER BY lower(username), user_id
      LIMIT :limit`,
    { pattern, exceptUserId: page.exceptUserId, limit: page.limit, afterKey: page.after?.key ?? null, afterUserId: page.after?.userId ?? null },
  );
}

/** The live account holding exactly this username, or null. */
export async function findActiveUserByUsername(db: Db, username: string): Promise<UserRecord | null> {
  return plain<UserRecord>(await User.findOne({ where: { username, deletedAt: null }, ...within(db) }));
}
