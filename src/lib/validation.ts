import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';
import { validationFailed, type FieldIssue } from './errors';

extendZodWithOpenApi(z);

/** Import `z` from here, never from 'zod', so `.openapi()` is always available. */
export { z };

/** Turns zod issues into the `details` of VALIDATION_FAILED: one entry per field. */
export function toFieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') || prefix || '(root)', message: issue.message };
  });
}

/** Parses `value` or throws VALIDATION_FAILED naming the fields (`prefix` e.g. "body", "query"). */
export function parseInput<S extends ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = toFieldIssues(result.error, prefix);
    throw validationFailed(details, `Invalid ${details.map((d) => d.field).join(', ')}`);
  }
  return result.data;
}

// Shared building blocks.
/** An integer id in a JSON body or socket payload (no string coercion, fits PostgreSQL INTEGER). */
export const IdValue = z.number().int().positive().max(2_147_483_647);
export const IdSchema = z.coerce.number().int().positive().max(2_147_483_647);
export const UserIdSchema = z
  .string()
  .min(1)
  .max(191)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a user id');
export const LimitSchema = (max: number, def: number) => z.coerce.number().int().min(1).max(max).default(def);
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
