import { commitMessage } from '../../src/components/chat/chat.commit';
import type { NewMessage } from '../../src/components/chat/chat.repository';
import type { AppContext } from '../../src/context';
import { Message } from '../../src/db/models';
import { makeGroup, makeUser } from '../sessions/fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** The chat's group commit (chat.commit.ts) against the real PostgreSQL. */
describe('chat messages stored by group commit', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  const message = (userId: string, groupId: number, content: string, extra: Partial<NewMessage> = {}): NewMessage => ({
    userId,
    groupId,
    content,
    messageType: 'text',
    replyToId: null,
    clientMessageId: null,
    ...extra,
  });

  it('when many messages are sent at once, then few statements store them and each sender gets its own row (twins, a resent clientMessageId and a bad reply included)', async () => {
    const ana = await makeUser('ana');
    const ben = await makeUser('ben');
    const group = await makeGroup(ana, 'private', [ben]);
    const other = await makeGroup(ana);
    const elsewhere = await Message.create({ userId: ana.userId, groupId: other.id, content: 'elsewhere' });
    const root = await Message.create({ userId: ana.userId, groupId: group.id, content: 'root' });

    const list: NewMessage[] = [];
    for (let i = 0; i < 40; i += 1) list.push(message(i % 2 ? ana.userId : ben.userId, group.id, `m${i}`));
    list.push(message(ben.userId, group.id, 'twin'), message(ben.userId, group.id, 'twin'));
    list.push(message(ana.userId, group.id, 'first', { clientMessageId: 'cm-1' }), message(ana.userId, group.id, 'resent', { clientMessageId: 'cm-1' }));
    list.push(message(ben.userId, group.id, 'good reply', { replyToId: root.id }), message(ben.userId, group.id, 'bad reply', { replyToId: elsewhere.id }));
    const outcomes = await Promise.all(list.map((m) => commitMessage(ctx, m)));

    // Each stored message is the one its sender sent, with its own id.
    const stored = outcomes.flatMap((o, i) => (o.message ? [{ i, message: o.message }] : []));
    for (const { i, message: row } of stored) {
      expect({ userId: row.userId, groupId: row.groupId, content: row.content }).toEqual({
        userId: list[i]!.userId,
        groupId: group.id,
        content: list[i]!.content,
      });
    }
    expect(new Set(stored.map((s) => s.message.id)).size).toBe(stored.length);
    // Ids follow the order the messages were sent (one statement at a time on a node).
    const ids = stored.map((s) => s.message.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const byContent = (content: string) => outcomes.filter((_, i) => list[i]!.content === content);
    expect(byContent('twin').map((o) => o.message !== null)).toEqual([true, true]);
    expect(byContent('first')[0]!.message?.clientMessageId).toBe('cm-1');
    expect(byContent('resent')[0]!.message).toBeNull(); // the caller answers with the stored one (findByClientId)
    expect(byContent('good reply')[0]).toEqual({
      message: expect.objectContaining({ replyToId: root.id }),
      parent: expect.objectContaining({ id: root.id, content: 'root' }),
    });
    expect(byContent('bad reply')[0]).toEqual({ message: null, parent: null });
    expect(stored).toHaveLength(list.length - 2);
    expect(await Message.count({ where: { groupId: group.id } })).toBe(1 + stored.length);

    // One statement's rows share its transaction's now(): 46 messages sent at once took a
    // handful of statements (the first goes alone while nothing else is in flight).
    const statements = new Set(stored.map((s) => s.message.createdAt.getTime()));
    expect(statements.size).toBeLessThanOrEqual(3);
  });

  it('when one message of a batch cannot be stored, then the batch is split and it fails alone, the rest of the batch stored in its order', async () => {
    const ana = await makeUser('ana');
    const group = await makeGroup(ana);
    const missingGroup = 2_000_000_000; // no such group: the foreign key refuses the row (and the batch's statement)
    // 'a' goes alone (nothing in flight); 'b', 'c', 'lost' and 'd' queue and go as one batch, which fails and is split.
    const list = ['a', 'b', 'c', 'lost', 'd'].map((content) => message(ana.userId, content === 'lost' ? missingGroup : group.id, content));
    const settled = await Promise.allSettled(list.map((m) => commitMessage(ctx, m)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const stored = (await Message.findAll({ where: { groupId: group.id }, order: [['id', 'ASC']] })).map((m) => m.content);
    // One statement at a time: ids in the order the messages were sent, the split batch's too.
    expect(stored).toEqual(['a', 'b', 'c', 'd']);
  });

  it('when one user reuses a clientMessageId in one batch for a bad reply and then for another group, then each sender gets its own outcome', async () => {
    const ana = await makeUser('ana');
    const one = await makeGroup(ana);
    const two = await makeGroup(ana);
    const elsewhere = await Message.create({ userId: ana.userId, groupId: two.id, content: 'in two' });
    const list = [
      message(ana.userId, one.id, 'x'),
      message(ana.userId, one.id, 'y'),
      message(ana.userId, one.id, 'bad reply', { replyToId: elsewhere.id, clientMessageId: 'cm-9' }),
      message(ana.userId, two.id, 'second', { clientMessageId: 'cm-9' }),
    ];
    const [, , bad, second] = await Promise.all(list.map((m) => commitMessage(ctx, m)));
    expect(bad).toEqual({ message: null, parent: null });
    expect(second?.message).toEqual(expect.objectContaining({ groupId: two.id, content: 'second', clientMessageId: 'cm-9' }));
  });
});
