import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';
import { validationFailed, type FieldIssue } from './errors';

extendZodWithOpenApi(z);

/** Import `z` from here, never from 'zod', so `.openapi()` is always available. */
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

// Shared building blocks.
export const MAX_INTEGER_ID = 2_147_483_647;
/** An integer id in a JSON body or socket payload (no string coercion, fits PostgreSQL INTEGER). */
export const IdValue = z.number().int().positive().max(MAX_INTEGER_ID);

/**
 * An integer in a path or query string: decimal digits only (`0x10`, `1e0`, ` 1`, `+1`
 * and `1.0` are refused, where `Number()` would have read them), within [min, max].
 */
export const DecimalIntSchema = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,16}$/, 'must be a decimal integer (digits only)')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .openapi({ type: 'integer', minimum: min, maximum: max });
/** An id in a path or query string (decimal digits, 1 to PostgreSQL's INTEGER max). */
export const IdSchema = DecimalIntSchema(1, MAX_INTEGER_ID);
export const UserIdSchema = z
  .string()
  .min(1)
  .max(191)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a user id');
export const LimitSchema = (max: number, def: number) => DecimalIntSchema(1, max).default(def);
/** An http(s) URL (links, images). */
export const HttpUrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
/** Opaque cursor strings, base64url of JSON (see lib/cursor.ts). */
export const CursorSchema = z.string().max(512).optional();
