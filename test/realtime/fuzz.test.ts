import { Redis } from 'ioredis';
import { Message } from '../../src/db/models';
import type { ClientEventName } from '../../src/realtime/events';
import { connectSocket, emitAck, emitUncheckedAck } from '../helpers/socket';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { createGroup } from './fixtures';

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const JUNK: unknown[] = [
  null,
  0,
  -1,
  1.5,
  NaN,
  'x',
  '',
  '{}',
  true,
  false,
  [],
  [1],
  [{ groupId: 1 }],
  -5,
  2 ** 31,
  2 ** 53,
  '1',
  ' ',
  'a'.repeat(5000),
  { $gt: 0 },
  { nested: { deep: [] } },
];

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

/** Payloads that must all fail validation, for an event whose valid fields are `fields`. */
function badPayloads(r: () => number, valid: Record<string, unknown>, count: number, nullableGroup = false): unknown[] {
  const out: unknown[] = [];
  const keys = Object.keys(valid);
  while (out.length < count) {
    const kind = Math.floor(r() * 4);
    if (kind === 0)
      out.push(
        pick(
          r,
          JUNK.filter((j) => j === null || typeof j !== 'object' || Array.isArray(j)),
        ),
      );
    else if (kind === 1 || keys.length === 0) out.push({ ...valid, [`extra${Math.floor(r() * 100)}`]: pick(r, JUNK) });
    else {
      const key = pick(r, keys);
      const value = pick(r, JUNK);
      // Skip the few junk values that happen to be valid for the field.
      if (typeof valid[key] === 'number' && typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 2 ** 31) continue;
      if (typeof valid[key] === 'string' && typeof value === 'string' && value.trim().length > 0 && value.length <= 64) continue;
      // null (and NaN, sent as null) means "none" for the optional notes / timer groupId.
      if ((key === 'notes' || nullableGroup) && (value === null || Number.isNaN(value))) continue;
      out.push({ ...valid, [key]: value });
    }
  }
  return out;
}

describe('malformed socket payloads', () => {
  let app: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    // Hundreds of payloads from one socket: the point is validation, not the rate limit.
    app = await startTestApp({ env: BURSTING_TEST_LIMITS });
    redis = new Redis(app.env.REDIS_URL!);
  });
  afterAll(async () => {
    redis.disconnect();
    await app.stop();
  });

  it('when hundreds of random and malformed payloads hit every event, then each is refused with VALIDATION_FAILED, nothing is written and the connection stays up', async () => {
    const u = await app.signedUpUser('fuzz');
    const group = await createGroup(u);
    const mine = await app.http.post(`/api/groups/${group.id}/messages`, { token: u.token, body: { content: 'keep me' } });
    const socket = await connectSocket(app.url, u.token);
    const r = rng(20261126);
    // auth:refresh takes any string as a token (a bad one is UNAUTHENTICATED): see auth-refresh.test.ts.
    const valid: Record<Exclude<ClientEventName, 'chat:typing' | 'auth:refresh'>, Record<string, unknown>> = {
      'room:join': { groupId: group.id },
      'room:leave': { groupId: group.id },
      'timer:start': { groupId: group.id },
      'timer:stop': { notes: 'n' },
      'timer:pause': {},
      'timer:resume': {},
      'chat:send': { groupId: group.id, content: 'hi', messageType: 'text', clientMessageId: 'c1' },
      'chat:edit': { messageId: mine.body.id, content: 'changed' },
      'chat:delete': { messageId: mine.body.id },
      'chat:read': { groupId: group.id, messageId: mine.body.id },
    };
    const before = await Message.count();
    let sent = 0;
    for (const [event, fields] of Object.entries(valid)) {
      const payloads = badPayloads(r, fields, 41, event === 'timer:start');
      const acks = await Promise.all(payloads.map((p) => emitUncheckedAck(socket, event, p)));
      acks.forEach((ack, i) => {
        if (ack?.error?.code !== 'VALIDATION_FAILED') throw new Error(`${event} ${JSON.stringify(payloads[i])} → ${JSON.stringify(ack)}`);
        expect(ack).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
      });
      sent += payloads.length;
    }
    // Typing: malformed ones are ignored (or refused when an ack is given); none reaches the room.
    for (const p of badPayloads(r, { groupId: group.id }, 40)) (socket as any).emit('chat:typing', p);
    // Events without an ack callback are ignored, and a few raw frames of nonsense too.
    (socket as any).emit('chat:send', { groupId: group.id, content: 'no ack' });
    (socket as any).emit('timer:start', { groupId: group.id });
    (socket as any).emit('no:such-event', { x: 1 }, () => undefined);
    expect(sent).toBeGreaterThanOrEqual(280);

    // Still connected and served; nothing was written.
    expect(socket.connected).toBe(true);
    const joined = await emitAck(socket, 'room:join', { groupId: group.id });
    expect(joined.ok).toBe(true);
    expect(await Message.count()).toBe(before);
    expect((await Message.findByPk(mine.body.id))!.content).toBe('keep me');
    expect(await redis.exists(`${app.env.REDIS_KEY_PREFIX}timer:${u.userId}`)).toBe(0);
    expect((await app.http.get('/healthz')).status).toBe(200);
  });
});
