import { z } from './zod';

/** PostgreSQL INTEGER's largest value: the largest id. */
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

/** Opaque cursor strings, base64url of JSON (the server's `src/lib/cursor.ts`). */
export const CursorSchema = z.string().max(512).optional();

/** `{id}` path parameters: groups, resources, messages, invitations, notifications, sessions. */
export const IdParams = z.object({ id: IdSchema });

/** A page of a list: `nextCursor` is null at the end. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
