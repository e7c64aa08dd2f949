import { validationFailed } from './errors';

/** Opaque paging cursors: base64url(JSON). Bad cursors are a VALIDATION_FAILED on `query.cursor`. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, check: (value: unknown) => value is T): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // fall through
  }
  throw validationFailed([{ field: 'query.cursor', message: 'invalid cursor' }], 'Invalid cursor');
}

/**
 * The page of `rows` (fetched with `limit + 1` to learn whether more follow) and the
 * `{id}` cursor of its last row, or null on the last page.
 */
export function idPage<R extends { id: number }>(rows: R[], limit: number): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null };
}

/** A row id a cursor may hold: a PostgreSQL INTEGER id (1 … 2^31 − 1). */
export const isCursorId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 2_147_483_647;

/** Instants a cursor may hold: years 0001 to 9999 (what ISO-8601 and PostgreSQL both store). */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
export const isCursorInstant = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms >= FIRST_INSTANT && ms <= LAST_INSTANT;
};

/** A keyset cursor holding one row id: `{id}`. */
export const isIdCursor = (v: unknown): v is { id: number } => typeof v === 'object' && v !== null && isCursorId((v as { id: unknown }).id);
