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

/** Deeper than this, a value is not walked for unstorable text (bodies are depth-bounded long before). */
const MAX_WALK_DEPTH = 64;

/** `String.prototype.isWellFormed` (Node 20; not in the ES2022 typings): no unpaired UTF-16 surrogate. */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be stored as given, or null. */
function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (!isWellFormed(text)) return 'must be well-formed Unicode (no unpaired surrogates)';
  return null;
}

/**
 * The strings (values or keys) PostgreSQL cannot store as given, with the problem: a NUL
 * character (text cannot hold one, and Sequelize's escaping silently rewrites it as `\0`)
 * or an unpaired UTF-16 surrogate (UTF-8 cannot encode one: the driver would store U+FFFD
 * in its place). Any input carrying one is refused rather than stored changed.
 */
export function unstorableTextFields(value: unknown, path: string[] = [], depth = 0): Array<{ path: string; problem: string }> {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? [{ path: path.join('.'), problem }] : [];
  }
  if (value === null || typeof value !== 'object' || depth > MAX_WALK_DEPTH) return [];
  const found: Array<{ path: string; problem: string }> = [];
  for (const [key, item] of Object.entries(value)) {
    const problem = textProblem(key);
    if (problem) found.push({ path: [...path, isWellFormed(key) ? key.split('\u0000').join('\\0') : '(key)'].join('.'), problem });
    else found.push(...unstorableTextFields(item, [...path, key], depth + 1));
  }
  return found;
}

/**
 * Parses `value` or throws VALIDATION_FAILED naming the fields (`prefix` e.g. "body",
 * "query"). Strings PostgreSQL cannot store as given (a NUL character, an unpaired
 * surrogate) are refused whatever the schema.
 */
export function parseInput<S extends ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const unstorable = unstorableTextFields(value);
  if (unstorable.length > 0) {
    const details = unstorable.map(({ path, problem }) => ({ field: [prefix, path].filter(Boolean).join('.') || '(root)', message: problem }));
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
