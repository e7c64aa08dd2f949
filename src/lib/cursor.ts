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

/** A keyset cursor holding one row id: `{id}`. */
export const isIdCursor = (v: unknown): v is { id: number } => typeof v === 'object' && v !== null && Number.isInteger((v as { id: unknown }).id);
