import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { clientEvents, serverEvents, type ClientEventSpec, type ServerEventSpec } from '../shared/contract/events';
import { ErrorAckSchema } from '../shared/contract/errors';
import { z } from '../shared/contract/zod';

/**
 * The AsyncAPI 3 document of the Socket.IO events (`GET /api/asyncapi.json`), generated
 * from the same schemas the server validates with (`src/shared/contract/events.ts`). The
 * document describes an API node: it *receives* the client → server events (each with a
 * reply: the ack, `{ok: true, …}` or the error ack) and *sends* the server → client
 * events. Socket.IO's event name is each message's `name`; the keys are those names with
 * `:` → `.` (AsyncAPI keys allow no colon). Payload schemas are the zod schemas as JSON
 * Schema (through zod-to-openapi's OpenAPI 3.1 generator, whose schemas are JSON Schema).
 */

/** `room:join` → `room.join`; `room:join` → `RoomJoin`. */
const dotted = (event: string): string => event.replace(/:/g, '.');
const pascal = (event: string): string =>
  event
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

const CHANNEL = 'socket';
const channelRef = { $ref: `#/channels/${CHANNEL}` };
const messageRef = (key: string) => ({ $ref: `#/channels/${CHANNEL}/messages/${key}` });
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

interface Document {
  asyncapi: string;
  info: Record<string, unknown>;
  servers?: Record<string, unknown>;
  defaultContentType: string;
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  components: Record<string, unknown>;
}

function build(): Document {
  const registry = new OpenAPIRegistry();
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  registry.register('ErrorAck', ErrorAckSchema);
  messages.errorAck = {
    name: 'ack',
    title: 'Error ack',
    summary: 'The ack of a failed event: only the code and the message (docs/API.md "Errors")',
    payload: schemaRef('ErrorAck'),
  };

  const clientEntries: Array<[string, ClientEventSpec]> = Object.entries(clientEvents);
  for (const [event, spec] of clientEntries) {
    const key = `client.${dotted(event)}`;
    registry.register(`Client${pascal(event)}`, spec.payload);
    registry.register(`Client${pascal(event)}Ack`, z.object({ ok: z.literal(true), ...spec.ack.shape }));
    messages[key] = {
      name: event,
      title: event,
      summary: spec.summary,
      payload: schemaRef(`Client${pascal(event)}`),
      ...(spec.since ? { 'x-since': spec.since } : {}),
    };
    messages[`${key}.ack`] = {
      name: 'ack',
      title: `${event} ack`,
      summary: `The success ack of ${event}${spec.ackOptional ? ' (when an ack callback was given: it is optional)' : ''}`,
      payload: schemaRef(`Client${pascal(event)}Ack`),
    };
    operations[`receive.${dotted(event)}`] = {
      action: 'receive',
      title: event,
      summary: spec.summary,
      channel: channelRef,
      messages: [messageRef(key)],
      reply: { channel: channelRef, messages: [messageRef(`${key}.ack`), messageRef('errorAck')] },
    };
  }

  const serverEntries: Array<[string, ServerEventSpec]> = Object.entries(serverEvents);
  for (const [event, spec] of serverEntries) {
    const key = `server.${dotted(event)}`;
    registry.register(`Server${pascal(event)}`, spec.payload);
    messages[key] = {
      name: event,
      title: event,
      summary: spec.summary,
      payload: schemaRef(`Server${pascal(event)}`),
      tags: [{ name: spec.to === 'group' ? 'group room' : 'user room' }],
      ...(spec.since ? { 'x-since': spec.since } : {}),
    };
    operations[`send.${dotted(event)}`] = {
      action: 'send',
      title: event,
      summary: spec.summary,
      description:
        spec.to === 'group'
          ? "To the room `group:<groupId>`: every socket of the group's members that joined it (room:join)."
          : 'To the room `user:<userId>`: every socket of that user, on every node.',
      channel: channelRef,
      messages: [messageRef(key)],
    };
  }

  const { components } = new OpenApiGeneratorV31(registry.definitions).generateComponents();
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'StudySync realtime API',
      version: '1.0.0',
      description: [
        'The Socket.IO 4 events of a StudySync API node (docs/API.md "Socket.IO events", docs/REALTIME.md).',
        'Connect with `io(url, { auth: { token } })` (the same bearer token as REST); a refused handshake is a',
        '`connect_error` whose message is `UNAUTHENTICATED`, `USER_NOT_SYNCED`, `UNAVAILABLE` or `RATE_LIMITED`.',
        'Client → server events are emitted with an ack callback and answered with `{ok: true, …}` or',
        '`{ok: false, error: {code, message}}`. Group events reach the room `group:<id>` (members who joined it),',
        'user events every socket of the user.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    channels: {
      [CHANNEL]: {
        address: '/',
        title: 'Default namespace',
        description: 'The one Socket.IO namespace: every event travels over the connection of a signed-in socket.',
        messages,
      },
    },
    operations,
    components: {
      schemas: components?.schemas ?? {},
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The Clerk session token (or a development token), given in the handshake: `io(url, { auth: { token } })`.',
        },
      },
    },
  };
}

let cached: Document | undefined;

/**
 * The AsyncAPI document; `host` (the one the client reached, e.g. `localhost:3000`) names
 * its server when given.
 */
export function generateAsyncApi(host?: string): Document {
  cached ??= build();
  if (!host) return cached;
  return {
    ...cached,
    servers: {
      api: {
        host,
        protocol: 'ws',
        pathname: '/socket.io/',
        title: 'This API node',
        description: 'Socket.IO 4 (engine.io): HTTP long-polling, then the upgrade to WebSocket; or WebSocket only.',
        security: [{ $ref: '#/components/securitySchemes/token' }],
      },
    },
  };
}
