import { MESSAGE_TYPES } from '../enums';
import { IdSchema, IdValue, LimitSchema, pageOf } from './primitives';
import { z } from './zod';

/** Chat messages over REST and the socket (docs/API.md "Chat"). */

export const MAX_CONTENT_LENGTH = 4000;
/** Longest `replyTo.excerpt`, in characters (code points), the ellipsis included. */
export const EXCERPT_LENGTH = 120;

const Content = z.string().trim().min(1).max(MAX_CONTENT_LENGTH);
export const ClientMessageId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'must be 1-64 printable ASCII characters');

const SendMessageFields = {
  content: Content,
  messageType: z.enum(MESSAGE_TYPES).optional(),
  replyToId: IdValue.nullable().optional(),
  clientMessageId: ClientMessageId.optional(),
};

/** REST body of `POST /groups/:id/messages`; the `chat:send` payload adds `groupId`. */
export const SendMessageBody = z.object(SendMessageFields).strict().openapi('SendMessage');
export const EditMessageBody = z.object({ content: Content }).strict().openapi('EditMessage');

/**
 * `cursor` is a synonym of `before` (the `nextCursor` of a newest-first page is the id to
 * continue before), so a generic `{items, nextCursor}` pager works. Unknown parameters
 * are ignored, as on every other route.
 */
export const HistoryQuery = z
  .object({
    before: IdSchema.optional(),
    after: IdSchema.optional(),
    cursor: IdSchema.optional().openapi({ description: 'The `nextCursor` of the previous page (same as `before`)' }),
    limit: LimitSchema(100, 50),
  })
  .refine((q) => [q.before, q.after, q.cursor].filter((v) => v !== undefined).length <= 1, {
    message: 'use only one of before, after, cursor',
    path: ['after'],
  });

/** The quote of a replied-to message: `excerpt` is its first characters (at most 120, whitespace folded, `…` when cut). */
export const ReplyToSchema = z.object({ id: z.number().int(), username: z.string(), excerpt: z.string().max(EXCERPT_LENGTH) });

export const MessageSchema = z
  .object({
    id: z.number().int(),
    groupId: z.number().int(),
    userId: z.string(),
    username: z.string(),
    content: z.string().nullable().openapi({ description: 'null once deleted' }),
    messageType: z.enum(MESSAGE_TYPES),
    replyToId: z.number().int().nullable(),
    replyTo: ReplyToSchema.nullable().openapi({
      description: 'A short quote of the message replied to; null without a reply or once that message is deleted',
    }),
    isEdited: z.boolean(),
    isDeleted: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Message');
export const MessagePageSchema = pageOf(MessageSchema).openapi('MessagePage');

// Socket payloads (client → server).
// (Field order as the REST body's, then the id: it orders the fields of VALIDATION_FAILED.)
export const ChatSendPayload = z.object({ ...SendMessageFields, groupId: IdValue }).strict();
export const ChatEditPayload = z.object({ content: Content, messageId: IdValue }).strict();
export const ChatDeletePayload = z.object({ messageId: IdValue }).strict();
export const ChatTypingPayload = z.object({ groupId: IdValue }).strict();

/** Unread badges (issue 16): `POST /groups/:id/read` body; `chat:read` adds `groupId`. */
export const MarkReadBody = z.object({ messageId: IdValue }).strict().openapi('MarkRead');
export const ChatReadPayload = z.object({ groupId: IdValue, messageId: IdValue }).strict();
