import { Message, Notification } from '../../src/db/models';
import { connectSocket, emitAck, emitUncheckedAck, recordEvents, waitForEvent } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup } from './fixtures';

describe('group chat', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CHAT_RATE_LIMIT: '5', CHAT_RATE_WINDOW_SECONDS: '60' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  const setup = async () => {
    const leader = await app.signedUpUser('lea');
    const member = await app.signedUpUser('mo');
    const admin = await app.signedUpUser('adi');
    const stranger = await app.signedUpUser('stan');
    const group = await createGroup(leader);
    await addMember(group, member);
    await addMember(group, admin, 'admin');
    return { leader, member, admin, stranger, group };
  };

  it('when a member sends over a socket, then the message is stored before the room hears it and the ack carries the stored message', async () => {
    const { leader, member, group } = await setup();
    const watcher = await connectSocket(app.url, leader.token);
    expect((await emitAck(watcher, 'room:join', { groupId: group.id })).ok).toBe(true);
    const sender = await connectSocket(app.url, member.token);
    const inHistoryWhenBroadcast = new Promise<boolean>((resolve) => {
      watcher.once('chat:message', async ({ message }) => resolve((await Message.count({ where: { id: message.id } })) === 1));
    });
    const ack = await emitAck(sender, 'chat:send', { groupId: group.id, content: '  hello  ' });
    expect(ack).toEqual({
      ok: true,
      message: {
        id: expect.any(Number),
        groupId: group.id,
        userId: member.userId,
        username: member.username,
        content: 'hello',
        messageType: 'text',
        replyToId: null,
        replyTo: null,
        isEdited: false,
        isDeleted: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    expect(await inHistoryWhenBroadcast).toBe(true);
    const history = await app.http.get(`/api/groups/${group.id}/messages`, { token: leader.token });
    expect(history.status).toBe(200);
    expect(history.body.items[0]).toEqual(ack.message);
  });

  it('when the same clientMessageId is sent twice, then one message is stored and both answers carry it', async () => {
    const { member, group } = await setup();
    const body = { content: 'once', clientMessageId: 'c-123' };
    const first = await app.http.post(`/api/groups/${group.id}/messages`, { token: member.token, body });
    const socket = await connectSocket(app.url, member.token);
    const second = await emitAck(socket, 'chat:send', { groupId: group.id, ...body });
    expect(first.status).toBe(201);
    expect(second.message).toEqual(first.body);
    expect(await Message.count({ where: { groupId: group.id } })).toBe(1);
  });

  it('when a reply, an image or a bad content is sent, then only valid ones are stored', async () => {
    const { member, group, leader } = await setup();
    const other = await createGroup(leader);
    const elsewhere = await app.http.post(`/api/groups/${other.id}/messages`, { token: leader.token, body: { content: 'x' } });
    const root = await app.http.post(`/api/groups/${group.id}/messages`, { token: member.token, body: { content: 'root' } });
    const reply = await app.http.post(`/api/groups/${group.id}/messages`, { token: member.token, body: { content: 'reply', replyToId: root.body.id } });
    expect(reply.body.replyToId).toBe(root.body.id);
    const badReply = await app.http.post(`/api/groups/${group.id}/messages`, { token: member.token, body: { content: 'r', replyToId: elsewhere.body.id } });
    expect(badReply.status).toBe(400);
    expect(badReply.body.error.details).toEqual([expect.objectContaining({ field: 'replyToId' })]);
    const image = await app.http.post(`/api/groups/${group.id}/messages`, {
      token: member.token,
      body: { content: 'https://example.com/a.png', messageType: 'image' },
    });
    expect(image.status).toBe(201);
    const badImage = await app.http.post(`/api/groups/${group.id}/messages`, {
      token: member.token,
      body: { content: 'javascript:alert(1)', messageType: 'image' },
    });
    expect(badImage.status).toBe(400);
    for (const content of ['   ', 'x'.repeat(4001)]) {
      const res = await app.http.post(`/api/groups/${group.id}/messages`, { token: member.token, body: { content } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await Message.count({ where: { groupId: group.id } })).toBe(3);
  });

  it('when a reply is sent, then every copy of it (ack, broadcast, history, edit) quotes its parent, and the quote is null once the parent is deleted', async () => {
    const { leader, member, group } = await setup();
    const watcher = await connectSocket(app.url, leader.token);
    await emitAck(watcher, 'room:join', { groupId: group.id });
    const long = `Root test when everything is raised to the n-th power, ratio when you see factorials.   ${'More detail follows here. '.repeat(8)}`;
    const parent = (await app.http.post(`/api/groups/${group.id}/messages`, { token: leader.token, body: { content: long } })).body;
    const quote = {
      id: parent.id,
      username: leader.username,
      excerpt: expect.stringMatching(/^Root test when everything is raised to the n-th power, ratio when you see factorials\. More .*…$/),
    };

    const socket = await connectSocket(app.url, member.token);
    const broadcast = waitForEvent(watcher, 'chat:message', (p) => p.message.replyToId === parent.id);
    const ack = await emitAck(socket, 'chat:send', { groupId: group.id, content: 'Thanks, that clicked.', replyToId: parent.id });
    expect(ack.message.replyTo).toEqual(quote);
    expect(Array.from(ack.message.replyTo!.excerpt).length).toBeLessThanOrEqual(120);
    expect((await broadcast).message).toEqual(ack.message);

    const history = await app.http.get(`/api/groups/${group.id}/messages`, { token: member.token });
    expect(history.body.items.map((m: any) => [m.id, m.replyTo])).toEqual([
      [ack.message.id, quote],
      [parent.id, null],
    ]);
    const catchUp = await app.http.get(`/api/groups/${group.id}/messages?after=${parent.id}`, { token: member.token });
    expect(catchUp.body.items[0].replyTo).toEqual(quote);
    const edited = waitForEvent(watcher, 'chat:edited', (p) => p.message.id === ack.message.id);
    const edit = await emitAck(socket, 'chat:edit', { messageId: ack.message.id, content: 'Thanks, that finally clicked.' });
    expect(edit.message.replyTo).toEqual(quote);
    expect((await edited).message.replyTo).toEqual(quote);

    expect((await app.http.delete(`/api/messages/${parent.id}`, { token: leader.token })).status).toBe(204);
    const after = await app.http.get(`/api/groups/${group.id}/messages`, { token: member.token });
    expect(after.body.items[0]).toMatchObject({ id: ack.message.id, replyToId: parent.id, replyTo: null });
    // A resend (same clientMessageId) answers with the stored message, quote included.
    const first = await emitAck(socket, 'chat:send', { groupId: group.id, content: 'about the reply', replyToId: ack.message.id, clientMessageId: 'r-1' });
    const again = await emitAck(socket, 'chat:send', { groupId: group.id, content: 'about the reply', replyToId: ack.message.id, clientMessageId: 'r-1' });
    expect(again.message).toEqual(first.message);
    expect(first.message.replyTo).toEqual({ id: ack.message.id, username: member.username, excerpt: 'Thanks, that finally clicked.' });
  });

  it('when messages are edited and deleted, then only the author edits and the author, a leader or an admin deletes', async () => {
    const { leader, member, admin, stranger, group } = await setup();
    const watcher = await connectSocket(app.url, leader.token);
    await emitAck(watcher, 'room:join', { groupId: group.id });
    const m1 = (await app.http.post(`/api/groups/${group.id}/messages`, { token: member.token, body: { content: 'typo' } })).body;
    const m2 = (await app.http.post(`/api/groups/${group.id}/messages`, { token: member.token, body: { content: 'second' } })).body;
    const m3 = (await app.http.post(`/api/groups/${group.id}/messages`, { token: leader.token, body: { content: 'leader says' } })).body;

    expect((await app.http.patch(`/api/messages/${m1.id}`, { token: leader.token, body: { content: 'hijack' } })).status).toBe(403);
    expect((await app.http.patch(`/api/messages/${m1.id}`, { token: stranger.token, body: { content: 'hijack' } })).status).toBe(404);
    const edited = waitForEvent(watcher, 'chat:edited', (p) => p.message.id === m1.id);
    const editRes = await app.http.patch(`/api/messages/${m1.id}`, { token: member.token, body: { content: 'fixed' } });
    expect(editRes.status).toBe(200);
    expect(editRes.body).toMatchObject({ id: m1.id, content: 'fixed', isEdited: true });
    expect((await edited).message).toEqual(editRes.body);

    const socket = await connectSocket(app.url, member.token);
    expect(await emitAck(socket, 'chat:delete', { messageId: m3.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await app.http.delete(`/api/messages/${m1.id}`, { token: stranger.token })).status).toBe(404);
    const deleted = waitForEvent(watcher, 'chat:deleted', (p) => p.messageId === m1.id);
    expect(await emitAck(socket, 'chat:delete', { messageId: m1.id })).toEqual({ ok: true });
    expect(await deleted).toEqual({ groupId: group.id, messageId: m1.id });
    expect((await app.http.delete(`/api/messages/${m2.id}`, { token: admin.token })).status).toBe(204);
    expect((await app.http.delete(`/api/messages/${m3.id}`, { token: leader.token })).status).toBe(204);
    // A deleted message cannot be edited; its text is gone.
    expect(await emitAck(socket, 'chat:edit', { messageId: m1.id, content: 'again' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const history = await app.http.get(`/api/groups/${group.id}/messages`, { token: member.token });
    expect(history.body.items.map((m: any) => [m.id, m.content, m.isDeleted])).toEqual([
      [m3.id, null, true],
      [m2.id, null, true],
      [m1.id, null, true],
    ]);
  });

  it('when history is paged, then ?before walks back newest first and ?after walks forward oldest first', async () => {
    const { leader, member, stranger, group } = await setup();
    await Message.bulkCreate(Array.from({ length: 7 }, (_, i) => ({ userId: member.userId, groupId: group.id, content: `m${i}` })));
    const all = await Message.findAll({ where: { groupId: group.id }, order: [['id', 'ASC']] });
    const ids = all.map((m) => m.id);

    const page1 = await app.http.get(`/api/groups/${group.id}/messages?limit=3`, { token: leader.token });
    expect(page1.body.items.map((m: any) => m.id)).toEqual(ids.slice(4).reverse());
    const page2 = await app.http.get(`/api/groups/${group.id}/messages?limit=3&before=${page1.body.nextCursor}`, { token: leader.token });
    expect(page2.body.items.map((m: any) => m.id)).toEqual(ids.slice(1, 4).reverse());
    const page3 = await app.http.get(`/api/groups/${group.id}/messages?limit=3&before=${page2.body.nextCursor}`, { token: leader.token });
    expect(page3.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    const after1 = await app.http.get(`/api/groups/${group.id}/messages?after=${ids[1]}&limit=4`, { token: leader.token });
    expect(after1.body.items.map((m: any) => m.id)).toEqual(ids.slice(2, 6));
    const after2 = await app.http.get(`/api/groups/${group.id}/messages?after=${after1.body.nextCursor}&limit=4`, { token: leader.token });
    expect(after2.body).toEqual({ items: [expect.objectContaining({ id: ids[6] })], nextCursor: null });

    expect((await app.http.get(`/api/groups/${group.id}/messages?limit=101`, { token: leader.token })).status).toBe(400);
    expect((await app.http.get(`/api/groups/${group.id}/messages?before=1&after=2`, { token: leader.token })).status).toBe(400);

    // A generic {items, nextCursor} pager: `cursor` continues like `before`; unknown parameters are ignored.
    const viaCursor = await app.http.get(`/api/groups/${group.id}/messages?limit=3&cursor=${page1.body.nextCursor}&_=${Date.now()}`, { token: leader.token });
    expect(viaCursor.status).toBe(200);
    expect(viaCursor.body).toEqual(page2.body);
    expect((await app.http.get(`/api/groups/${group.id}/messages?cursor=1&before=2`, { token: leader.token })).status).toBe(400);
    expect((await app.http.get(`/api/groups/${group.id}/messages`, { token: stranger.token })).status).toBe(404);
  });

  it('when a user sends more than the rate limit allows, then RATE_LIMITED (429 over REST) and nothing more is stored', async () => {
    const { member, group } = await setup();
    const socket = await connectSocket(app.url, member.token);
    for (let i = 0; i < 5; i += 1) expect((await emitAck(socket, 'chat:send', { groupId: group.id, content: `m${i}` })).ok).toBe(true);
    expect(await emitAck(socket, 'chat:send', { groupId: group.id, content: 'too many' })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const rest = await app.http.post(`/api/groups/${group.id}/messages`, { token: member.token, body: { content: 'too many' } });
    expect(rest.status).toBe(429);
    expect(rest.body.error.code).toBe('RATE_LIMITED');
    expect(await Message.count({ where: { groupId: group.id } })).toBe(5);
  });

  it('when chat:send payloads are invalid, or refused by the writes limit, then they do not count in the chat window', async () => {
    const { member, group } = await setup();
    const socket = await connectSocket(app.url, member.token);
    // Invalid payloads take a write token but no place in the window: five valid sends still pass.
    for (const bad of [{ groupId: group.id }, { groupId: 'x', content: 'a' }, 'not an object']) {
      expect(await emitUncheckedAck(socket, 'chat:send', bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    for (let i = 0; i < 5; i += 1) expect((await emitAck(socket, 'chat:send', { groupId: group.id, content: `m${i}` })).ok).toBe(true);
    // Past the window, each send still takes a write token (and counts); once the writes
    // bucket refuses, the window stops counting.
    const acks = await Promise.all(Array.from({ length: 60 }, () => emitAck(socket, 'chat:send', { groupId: group.id, content: 'flood' })));
    const refusals = acks.map((a) => (a.ok ? 'ok' : `${a.error?.code}: ${a.error?.message.startsWith('Too many changes') ? 'writes' : 'chat'}`));
    expect(refusals).not.toContain('ok');
    const byWrites = refusals.filter((r) => r === 'RATE_LIMITED: writes').length;
    expect(byWrites).toBeGreaterThan(0);
    expect(refusals.filter((r) => r === 'RATE_LIMITED: chat').length).toBe(60 - byWrites);
    const counted = Number(await app.node.ctx.redis.get(app.node.ctx.key('chat-rate', member.userId)));
    expect(counted).toBe(5 + 60 - byWrites);
    expect(await Message.count({ where: { groupId: group.id } })).toBe(5);
  });

  it('when a message @mentions members, then each mentioned member (not strangers) gets a mention notification', async () => {
    const { leader, member, stranger, group } = await setup();
    const socket = await connectSocket(app.url, leader.token);
    const pushed = waitForEvent(socket, 'notification:new', (p) => p.notification.notificationType === 'mention');
    const sent = await app.http.post(`/api/groups/${group.id}/messages`, {
      token: member.token,
      body: { content: `hey @${leader.username} and @${stranger.username}, see this` },
    });
    expect(sent.status).toBe(201);
    expect((await pushed).notification).toMatchObject({ data: { groupId: group.id, messageId: sent.body.id }, isRead: false });
    expect(await Notification.count({ where: { userId: stranger.userId } })).toBe(0);
  });

  it('when a stranger uses the chat, then private groups are NOT_FOUND, public ones FORBIDDEN, and typing reaches only joined members', async () => {
    const { leader, member, stranger, group } = await setup();
    const pub = await createGroup(leader, { visibility: 'public' });
    const s = await connectSocket(app.url, stranger.token);
    expect(await emitAck(s, 'chat:send', { groupId: group.id, content: 'hi' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await emitAck(s, 'chat:send', { groupId: pub.id, content: 'hi' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(s, 'timer:start', { groupId: group.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await app.http.post(`/api/groups/${pub.id}/messages`, { token: stranger.token, body: { content: 'hi' } })).status).toBe(403);

    const watcher = await connectSocket(app.url, leader.token);
    await emitAck(watcher, 'room:join', { groupId: group.id });
    const typist = await connectSocket(app.url, member.token);
    const typistTab2 = await connectSocket(app.url, member.token);
    const typistSeen = recordEvents(typist);
    const tab2Seen = recordEvents(typistTab2);
    s.emit('chat:typing', { groupId: group.id });
    await emitAck(typist, 'room:join', { groupId: group.id });
    await emitAck(typistTab2, 'room:join', { groupId: group.id });
    const typing = waitForEvent(watcher, 'chat:typing');
    typist.emit('chat:typing', { groupId: group.id });
    expect(await typing).toEqual({ groupId: group.id, userId: member.userId });
    // Sentinel: a message to the room after the typing; once both tabs have it, any
    // chat:typing sent to them has arrived too.
    const pings = [typist, typistTab2].map((s) => waitForEvent(s, 'chat:message', (p) => p.message.content === 'ping'));
    expect((await emitAck(watcher, 'chat:send', { groupId: group.id, content: 'ping' })).ok).toBe(true);
    await Promise.all(pings);
    expect(typistSeen.map((e) => e.event)).not.toContain('chat:typing');
    expect(tab2Seen.map((e) => e.event)).not.toContain('chat:typing');
  });
});
