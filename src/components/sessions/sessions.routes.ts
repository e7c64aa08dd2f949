import type { Api, AppContext } from '../../context';
import { CursorSchema, IdSchema, LimitSchema, z } from '../../lib/validation';
import { SessionSchema } from './session.dto';
import { listSessions, updateSessionNotes } from './session.service';

const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const ListSessionsQuery = z
  .object({
    from: Instant.optional().openapi({ description: 'Sessions that started at or after this instant' }),
    to: Instant.optional().openapi({ description: 'Sessions that started before this instant' }),
    groupId: IdSchema.optional(),
    limit: LimitSchema(100, 20),
    cursor: CursorSchema,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after `to`', path: ['from'] });

export const PatchSessionBody = z
  .object({ sessionNotes: z.string().trim().max(2000).nullable() })
  .strict()
  .openapi('PatchSession');

export function registerSessionRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/sessions',
      summary: 'My stored study sessions, newest first',
      tags: ['Sessions'],
      query: ListSessionsQuery,
      response: z.object({ items: z.array(SessionSchema), nextCursor: z.string().nullable() }),
    },
    ({ user, query }) => listSessions(ctx, user, query),
  );

  api.route(
    {
      method: 'patch',
      path: '/sessions/:id',
      summary: 'Edit the notes of one of my sessions',
      tags: ['Sessions'],
      params: z.object({ id: IdSchema }),
      body: PatchSessionBody,
      response: SessionSchema,
      errors: [404],
    },
    ({ user, params, body }) => updateSessionNotes(ctx, user, { sessionId: params.id, sessionNotes: body.sessionNotes }),
  );
}
