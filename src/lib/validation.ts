import type { ZodType } from 'zod';
import { z } from '../shared/contract/zod';
import { validationFailed, type FieldIssue } from './errors';

/** Import `z` from here (or, in the contract, from its zod.ts), never from 'zod', so `.openapi()` is always available. */
export { z };

/** Turns zod issues into the `details` of VALIDATION_FAILED: one entry per field. */
export function toFieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  const field = (path: PropertyKey[]): string => [prefix, path.map(String).join('.')].filter(Boolean).join('.') || prefix || '(root)';
  return error.issues.flatMap((issue) => [
    { field: field(issue.path), message: issue.message },
    // Unknown keys are also named themselves (`body.preferences.foo`), not only their parent object.
    ...(issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ field: field([...issue.path, key]), message: 'unknown field' })) : []),
  ]);
}

/** Deeper than this, a value is not walked for NUL characters (bodies are depth-bounded long before). */
const MAX_WALK_DEPTH = 64;

/**
 * Paths of the strings (values or keys) holding a NUL character. PostgreSQL cannot store
 * one in text (and Sequelize's escaping silently rewrites it as `\0`), so any input
 * carrying one is refused rather than stored changed.
 */
export function nulCharacterFields(value: unknown, path: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path.join('.')] : [];
  if (value === null || typeof value !== 'object' || depth > MAX_WALK_DEPTH) return [];
  const found: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) found.push([...path, key.split('\u0000').join('\\0')].join('.'));
    else found.push(...nulCharacterFields(item, [...path, key], depth + 1));
  }
  return found;
}

/**
 * Parses `value` or throws VALIDATION_FAILED naming the fields (`prefix` e.g. "body",
 * "query"). Strings holding NUL characters are refused whatever the schema.
 */
export function parseInput<S extends ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const nul = nulCharacterFields(value);
  if (nul.length > 0) {
    const details = nul.map((path) => ({ field: [prefix, path].filter(Boolean).join('.') || '(root)', message: 'must not contain NUL characters' }));
    throw validationFailed(details, `Invalid ${details.map((d) => d.field).join(', ')}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = toFieldIssues(result.error, prefix);
    throw validationFailed(details, `Invalid ${details.map((d) => d.field).join(', ')}`);
  }
  return result.data;
}

// Shared building blocks: defined with the wire contract (src/shared/contract/primitives.ts).
export { CursorSchema, DecimalIntSchema, HttpUrlSchema, IdSchema, IdValue, LimitSchema, MAX_INTEGER_ID, UserIdSchema } from '../shared/contract/primitives';
