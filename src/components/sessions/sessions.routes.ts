import type { Api, AppContext } from '../../context';
import { IdParams, ListSessionsQuery, PatchSessionBody, SessionPageSchema, SessionSchema } from '../../shared/contract';
import { listSessions, updateSessionNotes } from './session.service';

export function registerSessionRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/sessions',
      summary: 'My stored study sessions, newest first',
      tags: ['Sessions'],
      query: ListSessionsQuery,
      response: SessionPageSchema,
    },
    ({ user, query }) => listSessions(ctx, user, query),
  );

  api.route(
    {
      method: 'patch',
      path: '/sessions/:id',
      summary: 'Edit the notes of one of my sessions',
      tags: ['Sessions'],
      params: IdParams,
      body: PatchSessionBody,
      response: SessionSchema,
      errors: [404],
    },
    ({ user, params, body }) => updateSessionNotes(ctx, user, { sessionId: params.id, sessionNotes: body.sessionNotes }),
  );
}
