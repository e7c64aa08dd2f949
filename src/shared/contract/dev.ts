import { UserIdSchema } from './primitives';
import { z } from './zod';

/** The development sign-in under `/dev` (docs/API.md "Authentication"; 404 where Clerk verifies tokens). */

export const DevTokenBody = z
  .object({
    userId: UserIdSchema,
    username: z.string().trim().min(1).max(64),
    email: z.email().max(254),
    firstName: z.string().trim().max(100).optional(),
    lastName: z.string().trim().max(100).optional(),
  })
  .openapi('DevTokenRequest');

export const DevTokenSchema = z.object({ token: z.string() }).openapi('DevToken');

export const DemoUsersSchema = z
  .object({
    items: z.array(
      z.object({
        userId: z.string(),
        username: z.string(),
        email: z.string(),
        firstName: z.string().nullable(),
        lastName: z.string().nullable(),
        groups: z.array(z.object({ id: z.number().int(), groupName: z.string(), role: z.string() })),
      }),
    ),
  })
  .openapi('DemoUsers');
