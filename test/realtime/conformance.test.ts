import { Grouping } from '../../src/db/models';
import { connectSocket, emitAck, recordEvents, waitForEvent } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup } from './fixtures';

/** Points of API.md "Socket.IO events" found wrong by a black-box audit, pinned here. */
describe('socket contract for non-members and former members', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when a stranger sends room:leave or chat:typing, then private or absent groups are NOT_FOUND and public ones FORBIDDEN, and nothing reaches the room', async () => {
    const leader = await app.signedUpUser('lea');
    const stranger = await app.signedUpUser('stan');
    const priv = await createGroup(leader);
    const pub = await createGroup(leader, { visibility: 'public' });
    const watcher = await connectSocket(app.url, leader.token);
    await emitAck(watcher, 'room:join', { groupId: priv.id });
    await emitAck(watcher, 'room:join', { groupId: pub.id });
    const seen = recordEvents(watcher);
    const s = await connectSocket(app.url, stranger.token);

    for (const event of ['room:leave', 'chat:typing'] as const) {
      expect(await emitAck(s, event, { groupId: priv.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await emitAck(s, event, { groupId: 2_000_000_000 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await emitAck(s, event, { groupId: pub.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    // Barrier: a later message reaches the watcher, the stranger's typing never did.
    const barrier = waitForEvent(watcher, 'chat:message', (p) => p.message.content === 'barrier');
    await emitAck(watcher, 'chat:send', { groupId: pub.id, content: 'barrier' });
    await barrier;
    expect(seen.map((e) => e.event)).not.toContain('chat:typing');
    expect(s.connected).toBe(true);
  });

  it('when a member types without having joined the room, then the joined members hear it (membership, not a joined room)', async () => {
    const leader = await app.signedUpUser('lea');
    const member = await app.signedUpUser('mo');
    const group = await createGroup(leader);
    await addMember(group, member);
    const watcher = await connectSocket(app.url, leader.token);
    await emitAck(watcher, 'room:join', { groupId: group.id });
    const typist = await connectSocket(app.url, member.token);

    const typing = waitForEvent(watcher, 'chat:typing');
    expect(await emitAck(typist, 'chat:typing', { groupId: group.id })).toEqual({ ok: true });
    expect(await typing).toEqual({ groupId: group.id, userId: member.userId });
    // A member leaving a room it never joined is fine.
    expect(await emitAck(typist, 'room:leave', { groupId: group.id })).toEqual({ ok: true });
  });

  it('when a non-member of a public group edits or deletes a deleted message there, then FORBIDDEN, the same as a live one', async () => {
    const leader = await app.signedUpUser('lea');
    const stranger = await app.signedUpUser('stan');
    const pub = await createGroup(leader, { visibility: 'public' });
    const author = await connectSocket(app.url, leader.token);
    const live = await emitAck(author, 'chat:send', { groupId: pub.id, content: 'live' });
    const gone = await emitAck(author, 'chat:send', { groupId: pub.id, content: 'gone' });
    expect(await emitAck(author, 'chat:delete', { messageId: gone.message.id })).toEqual({ ok: true });

    const s = await connectSocket(app.url, stranger.token);
    for (const messageId of [live.message.id, gone.message.id]) {
      expect(await emitAck(s, 'chat:edit', { messageId, content: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await emitAck(s, 'chat:delete', { messageId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    // The author still gets NOT_FOUND for the deleted one.
    expect(await emitAck(author, 'chat:edit', { messageId: gone.message.id, content: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('when a user left the group while their group timer ran, then stopping it answers them but the room hears no timer:stopped', async () => {
    const leader = await app.signedUpUser('lea');
    const member = await app.signedUpUser('mo');
    const group = await createGroup(leader);
    await addMember(group, member);
    const watcher = await connectSocket(app.url, leader.token);
    await emitAck(watcher, 'room:join', { groupId: group.id });
    const tab = await connectSocket(app.url, member.token);
    expect((await emitAck(tab, 'timer:start', { groupId: group.id })).ok).toBe(true);

    await Grouping.destroy({ where: { groupId: group.id, userId: member.userId } });
    const seen = recordEvents(watcher);
    const stopped = await emitAck(tab, 'timer:stop', {});
    expect(stopped).toMatchObject({ ok: true, discarded: expect.any(Boolean) });
    const barrier = waitForEvent(watcher, 'chat:message', (p) => p.message.content === 'barrier');
    await emitAck(watcher, 'chat:send', { groupId: group.id, content: 'barrier' });
    await barrier;
    expect(seen.map((e) => e.event)).not.toContain('timer:stopped');
  });
});
