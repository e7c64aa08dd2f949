import { z } from './zod';

/**
 * The error codes that reach clients (docs/API.md "Errors"), REST and socket alike.
 * Anything else becomes INTERNAL with a generic message.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'USER_NOT_SYNCED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GONE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One entry of `details` of VALIDATION_FAILED: the field's path (`body.preferences.timezone`) and what is wrong. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** A REST error: `{error: {code, message, details?}}` with the status of its code. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');
export type ErrorBody = z.output<typeof ErrorSchema>['error'];

/** The ack of a failed socket event: only the code and the message, never `details`. */
export const ErrorAckSchema = z
  .object({
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
  })
  .openapi('ErrorAck');
export type ErrorAck = z.output<typeof ErrorAckSchema>;
