import { MESSAGE_TYPES } from '../../db/models/enums';
import { IdSchema, IdValue, LimitSchema, z } from '../../lib/validation';
import { EXCERPT_LENGTH, MAX_CONTENT_LENGTH } from './chat.rules';

const Content = z.string().trim().min(1).max(MAX_CONTENT_LENGTH);
export const ClientMessageId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'must be 1-64 printable ASCII characters');

/** REST body of `POST /groups/:id/messages`; the socket payload adds `groupId`. */
export const SendMessageBody = z
  .object({
    content: Content,
    messageType: z.enum(MESSAGE_TYPES).optional(),
    replyToId: IdValue.nullable().optional(),
    clientMessageId: ClientMessageId.optional(),
  })
  .strict()
  .openapi('SendMessage');
export const ChatSendInput = SendMessageBody.extend({ groupId: IdValue }).strict();

export const EditMessageBody = z.object({ content: Content }).strict().openapi('EditMessage');
export const ChatEditInput = EditMessageBody.extend({ messageId: IdValue }).strict();
export const ChatDeleteInput = z.object({ messageId: IdValue }).strict();
export const ChatTypingInput = z.object({ groupId: IdValue }).strict();

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

export const MessageSchema = z
  .object({
    id: z.number().int(),
    groupId: z.number().int(),
    userId: z.string(),
    username: z.string(),
    content: z.string().nullable(),
    messageType: z.enum(MESSAGE_TYPES),
    replyToId: z.number().int().nullable(),
    replyTo: z
      .object({ id: z.number().int(), username: z.string(), excerpt: z.string().max(EXCERPT_LENGTH) })
      .nullable()
      .openapi({ description: 'A short quote of the message replied to; null without a reply or once that message is deleted' }),
    isEdited: z.boolean(),
    isDeleted: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Message');
export const MessagePageSchema = z.object({ items: z.array(MessageSchema), nextCursor: z.string().nullable() }).openapi('MessagePage');
