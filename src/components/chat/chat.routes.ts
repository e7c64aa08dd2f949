import type { Api, AppContext } from '../../context';
import { EditMessageBody, HistoryQuery, IdParams, MarkReadBody, MessagePageSchema, MessageSchema, SendMessageBody } from '../../shared/contract';
import { hitChatRateLimit } from './chat.rate-limit';
import { deleteMessage, editMessage, listMessages, sendMessage } from './chat.service';
import { markRead } from './reads.service';

const GroupParams = IdParams;
const MessageParams = IdParams;

/** Chat over REST: the same use-cases (and broadcasts) as the `chat:*` socket events. */
export function registerChatRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/groups/:id/messages',
      summary: 'Chat history: ?before= newest first (default), ?after= oldest first',
      tags: ['Chat'],
      params: GroupParams,
      query: HistoryQuery,
      response: MessagePageSchema,
      errors: [404],
    },
    ({ user, params, query: { cursor, ...query } }) =>
      listMessages(ctx, user, { groupId: params.id, ...query, ...(cursor === undefined ? {} : { before: cursor }) }),
  );
  api.route(
    {
      method: 'post',
      path: '/groups/:id/messages',
      summary: 'Send a chat message',
      tags: ['Chat'],
      params: GroupParams,
      body: SendMessageBody,
      response: MessageSchema,
      status: 201,
      errors: [404, 409, 429],
    },
    async ({ user, params, body }) => {
      await hitChatRateLimit(ctx, user.userId);
      return sendMessage(ctx, user, { ...body, groupId: params.id });
    },
  );
  api.route(
    {
      method: 'patch',
      path: '/messages/:id',
      summary: 'Edit my message',
      tags: ['Chat'],
      params: MessageParams,
      body: EditMessageBody,
      response: MessageSchema,
      errors: [404],
    },
    ({ user, params, body }) => editMessage(ctx, user, { messageId: params.id, content: body.content }),
  );
  api.route(
    {
      method: 'delete',
      path: '/messages/:id',
      summary: 'Delete a message (author, leader, admin)',
      tags: ['Chat'],
      params: MessageParams,
      status: 204,
      errors: [404],
    },
    async ({ user, params }) => {
      await deleteMessage(ctx, user, { messageId: params.id });
    },
  );
  api.route(
    {
      method: 'post',
      path: '/groups/:id/read',
      summary: "Record that I have read the group's messages up to messageId (never moves backwards)",
      tags: ['Chat'],
      params: GroupParams,
      body: MarkReadBody,
      status: 204,
      errors: [404],
    },
    async ({ user, params, body }) => {
      await markRead(ctx, user, { groupId: params.id, messageId: body.messageId });
    },
  );
}
