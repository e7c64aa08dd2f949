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

/** A keyset cursor holding one row id: `{id}`. */
export const isIdCursor = (v: unknown): v is { id: number } => typeof v === 'object' && v !== null && Number.isInteger((v as { id: unknown }).id);
