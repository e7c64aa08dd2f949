import { Message } from '../../src/db/models';
import { eventually } from '../helpers/eventually';
import { connectSocket, emitAck, recordEvents, waitForEvent } from '../helpers/socket';
import { isSentinel, userSentinel } from '../helpers/sentinel';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup, type Member } from './fixtures';

/** Unread badges (issue 16): read markers, `unreadCount`/`lastMessageAt`, `chat:read` and `group:read`. */
describe('unread badges', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: BURSTING_TEST_LIMITS });
  });
  afterAll(async () => {
    await app.stop();
  });

  const send = async (user: Member, groupId: number, content: string): Promise<number> => {
    const res = await app.http.post(`/api/groups/${groupId}/messages`, { token: user.token, body: { content } });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const myGroup = async (user: Member, groupId: number) => {
    const res = await app.http.get('/api/groups', { token: user.token });
    expect(res.status).toBe(200);
    return res.body.find((g: { id: number }) => g.id === groupId);
  };

  it('when others and I send, then unreadCount counts only the others’ messages after my last read, and reading never moves backwards', async () => {
    const me = await app.signedUpUser('ur');
    const other = await app.signedUpUser('uo');
    const group = await createGroup(me);
    await addMember(group, other);
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 0, lastMessageAt: null, myRole: 'leader' });

    const first = await send(other, group.id, 'one');
    await send(other, group.id, 'two');
    const mine = await send(me, group.id, 'mine');
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 2 });
    expect(await myGroup(other, group.id)).toMatchObject({ unreadCount: 1 });
    const stored = await Message.findByPk(mine);
    expect((await myGroup(me, group.id)).lastMessageAt).toBe(stored!.createdAt.toISOString());

    expect((await app.http.post(`/api/groups/${group.id}/read`, { token: me.token, body: { messageId: first } })).status).toBe(204);
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 1 });
    expect((await app.http.post(`/api/groups/${group.id}/read`, { token: me.token, body: { messageId: mine } })).status).toBe(204);
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 0 });
    // Backwards is accepted and changes nothing.
    expect((await app.http.post(`/api/groups/${group.id}/read`, { token: me.token, body: { messageId: first } })).status).toBe(204);
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 0 });

    const later = await send(other, group.id, 'three');
    await send(other, group.id, 'four');
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 2 });
    expect((await app.http.delete(`/api/messages/${later}`, { token: other.token })).status).toBe(204);
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 1 }); // deleted messages are not unread
  });

  it('when the message is of another group, or the caller is not a member, then the contract errors and nothing moves', async () => {
    const me = await app.signedUpUser('ue');
    const stranger = await app.signedUpUser('us');
    const group = await createGroup(me);
    const pub = await createGroup(me, { visibility: 'public' });
    const elsewhere = await createGroup(me);
    const here = await send(me, group.id, 'here');
    const there = await send(me, elsewhere.id, 'there');
    const wrong = await app.http.post(`/api/groups/${group.id}/read`, { token: me.token, body: { messageId: there } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'messageId' })] });
    expect((await app.http.post(`/api/groups/${group.id}/read`, { token: me.token, body: { messageId: 'x' } })).status).toBe(400);
    expect((await app.http.post(`/api/groups/${group.id}/read`, { token: me.token, body: {} })).status).toBe(400);
    expect((await app.http.post(`/api/groups/${group.id}/read`, { token: stranger.token, body: { messageId: here } })).status).toBe(404);
    const pubMessage = await send(me, pub.id, 'pub');
    const forbidden = await app.http.post(`/api/groups/${pub.id}/read`, { token: stranger.token, body: { messageId: pubMessage } });
    expect(forbidden.status).toBe(403);
    expect((await app.http.post(`/api/groups/${group.id}/read`, { body: { messageId: here } })).status).toBe(401);

    const socket = await connectSocket(app.url, stranger.token);
    const ack = await emitAck(socket, 'chat:read', { groupId: group.id, messageId: here });
    expect(ack).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('when a second socket sends chat:read, then the first socket hears group:read (its badge clears) and the reader’s socket does not', async () => {
    const me = await app.signedUpUser('uk');
    const other = await app.signedUpUser('ul');
    const group = await createGroup(me);
    await addMember(group, other);
    const listPage = await connectSocket(app.url, me.token); // e.g. the group list in one tab
    const chatPage = await connectSocket(app.url, me.token); // the chat in another
    const otherSocket = await connectSocket(app.url, other.token);
    const readerSeen = recordEvents(chatPage);
    const otherSeen = recordEvents(otherSocket);

    await send(other, group.id, 'hi');
    const last = await send(other, group.id, 'there');
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 2 });

    const heard = waitForEvent(listPage, 'group:read', (p) => p.groupId === group.id);
    expect(await emitAck(chatPage, 'chat:read', { groupId: group.id, messageId: last })).toEqual({ ok: true });
    expect(await heard).toEqual({ groupId: group.id, lastReadMessageId: last });
    expect(await myGroup(me, group.id)).toMatchObject({ unreadCount: 0 });

    // Reading the same message again moves nothing and tells nobody.
    expect(await emitAck(chatPage, 'chat:read', { groupId: group.id, messageId: last })).toEqual({ ok: true });
    await userSentinel(app.http, me, [listPage, chatPage]);
    await userSentinel(app.http, other, [otherSocket]);
    expect(readerSeen.filter((e) => !isSentinel(e) && e.event === 'group:read')).toEqual([]);
    expect(otherSeen.filter((e) => e.event === 'group:read')).toEqual([]);
  });

  it('when a member sends, then every member hears group:activity in their user room (no room joined), and a stranger does not', async () => {
    const me = await app.signedUpUser('ua');
    const other = await app.signedUpUser('ub');
    const stranger = await app.signedUpUser('uz');
    const group = await createGroup(me);
    await addMember(group, other);
    const listPage = await connectSocket(app.url, me.token); // joined no room
    const strangerSocket = await connectSocket(app.url, stranger.token);
    const strangerSeen = recordEvents(strangerSocket);

    const heard = waitForEvent(listPage, 'group:activity', (p) => p.groupId === group.id);
    const id = await send(other, group.id, 'psst');
    const stored = await Message.findByPk(id);
    expect(await heard).toEqual({ groupId: group.id, lastMessageAt: stored!.createdAt.toISOString() });

    await userSentinel(app.http, stranger, [strangerSocket]);
    expect(strangerSeen.filter((e) => e.event === 'group:activity')).toEqual([]);
  });

  it('when 20 messages arrive at once, then a member gets at most 2 group:activity (leading and trailing), the last with the latest message', async () => {
    const me = await app.signedUpUser('uc');
    const other = await app.signedUpUser('ud');
    const group = await createGroup(me);
    await addMember(group, other);
    const listPage = await connectSocket(app.url, me.token);
    const seen: Array<{ groupId: number; lastMessageAt: string }> = [];
    listPage.on('group:activity', (p) => {
      if (p.groupId === group.id) seen.push(p);
    });

    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => send(other, group.id, `m${i}`)));
    const latest = (await Message.findAll({ where: { id: ids } }))
      .map((m) => m.createdAt.toISOString())
      .sort()
      .at(-1);
    // The trailing event (2 s after the leading one) carries the latest message's instant.
    await eventually(() => expect(seen.at(-1)?.lastMessageAt).toBe(latest));
    await userSentinel(app.http, me, [listPage]);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(2);
  });
});
