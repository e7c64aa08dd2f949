import { User } from '../../src/db/models';
import { leaveGroup } from '../../src/components/groups/groups.service';
import type { AppContext } from '../../src/context';
import { deleteByPrefix } from '../../src/lib/redis';
import { getLeaderboard } from '../../src/components/leaderboards/leaderboard.service';
import { boardAnswers, boardKey, rebuildBoards } from '../../src/components/leaderboards/leaderboard.store';
import { periodBounds } from '../../src/components/leaderboards/leaderboard.rules';
import { PERIODS } from '../../src/components/leaderboards/leaderboard.rules';
import { processSessionJob } from '../../workers/processors/persist-session.processor';
import { eventually } from '../helpers/eventually';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { insertSession, makeGroup, makeUser, sessionJob } from '../sessions/fixtures';

describe('group leaderboards', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  const totals = (board: { entries: Array<{ username: string; totalSeconds: number }> }) =>
    board.entries.map((e) => [e.username.split('_')[0], e.totalSeconds]);

  it('when sessions sit on period edges, then each period holds exactly the sessions that started in it', async () => {
    const now = new Date('2026-03-16T12:00:00Z'); // a Monday
    const [a, b, c, d] = await Promise.all(['pa', 'pb', 'pc', 'pd'].map((n) => makeUser(n)));
    const group = await makeGroup(a!, 'private', [b!, c!, d!]);
    await insertSession(ctx, b!.userId, '2026-03-15T23:59:59Z', 100, group.id); // Sunday, last second of last week
    await insertSession(ctx, c!.userId, '2026-03-16T00:00:00Z', 200, group.id); // Monday 00:00, this week
    await insertSession(ctx, d!.userId, '2026-03-09T23:59:59Z', 300, group.id); // one second before 7d began
    await insertSession(ctx, d!.userId, '2026-03-10T00:00:00Z', 5, group.id); // 7d's first instant
    await insertSession(ctx, a!.userId, '2026-02-28T23:59:59Z', 400, group.id); // last month
    await insertSession(ctx, a!.userId, '2026-03-16T01:00:00Z', 7, null); // no group: never on a board
    await rebuildBoards(ctx, { groupId: group.id, now });
    const board = (period: (typeof PERIODS)[number]) => getLeaderboard(ctx, a!, { groupId: group.id, period, limit: 10, now });

    const week = await board('week');
    expect(totals(week)).toEqual([['pc', 200]]);
    expect(week.from).toBe('2026-03-16T00:00:00.000Z');
    expect(week.to).toBe(now.toISOString());
    expect(totals(await board('7d'))).toEqual([
      ['pc', 200],
      ['pb', 100],
      ['pd', 5],
    ]);
    expect(totals(await board('month'))).toEqual([
      ['pd', 305],
      ['pc', 200],
      ['pb', 100],
    ]);
    const all = await board('all');
    expect(all.from).toBeNull();
    expect(totals(all)).toEqual([
      ['pa', 400],
      ['pd', 305],
      ['pc', 200],
      ['pb', 100],
    ]);
    expect(all.me).toEqual({ rank: 1, totalSeconds: 400 });
    expect((await board('week')).me).toBeNull();
  });

  it('when totals tie, a member leaves, and the caller is outside the top N, then ranks, membership and me are right', async () => {
    const [ta, tb, tc, td] = await Promise.all(['ta', 'tb', 'tc', 'td'].map((n) => makeUser(n)));
    const group = await makeGroup(td!, 'public', [ta!, tb!, tc!]);
    const at = new Date(Date.now() - 60_000);
    for (const [u, s] of [
      [tb, 100],
      [ta, 100],
      [tc, 50],
      [td, 10],
    ] as const)
      await processSessionJob(ctx, { data: sessionJob(u!.userId, at, s, group.id) });
    const board = (userId: string, limit = 10) => getLeaderboard(ctx, { userId, username: userId }, { groupId: group.id, period: 'week', limit });
    await rebuildBoards(ctx, { groupId: group.id });
    const full = await board(td!.userId);
    expect(full.entries.map((e) => [e.rank, e.username.split('_')[0], e.totalSeconds, e.currentStreak])).toEqual([
      [1, 'ta', 100, 1],
      [1, 'tb', 100, 1],
      [3, 'tc', 50, 1],
      [4, 'td', 10, 1],
    ]);
    const top2 = await board(td!.userId, 2);
    expect(top2.entries).toHaveLength(2);
    expect(top2.me).toEqual({ rank: 4, totalSeconds: 10 });
    // The caller's place is kept with the top until the group's next board write: a new
    // session of the caller moves it at once.
    await processSessionJob(ctx, { data: sessionJob(td!.userId, new Date(Date.now() - 30_000), 5, group.id) });
    expect((await board(td!.userId, 2)).me).toEqual({ rank: 4, totalSeconds: 15 });

    // Leaving through the use-case: it drops the group's cached answers on every node and
    // queues the rebuild that takes tb out of the sets (reads skip non-members meanwhile).
    await leaveGroup(ctx, { userId: tb!.userId, username: tb!.username }, { groupId: group.id });
    const after = await board(td!.userId);
    expect(after.entries.map((e) => [e.rank, e.username.split('_')[0]])).toEqual([
      [1, 'ta'],
      [2, 'tc'],
      [3, 'td'],
    ]);
    await expect(board(tb!.userId)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    // The group's rebuild (queued by the leave) takes tb out of the set itself.
    const key = boardKey(ctx, group.id, 'week', periodBounds('week', new Date()).periodKey);
    await rebuildBoards(ctx, { groupId: group.id });
    expect(await ctx.redis.zscore(key, tb!.userId)).toBeNull();
    // A stray non-member still in the set (left before any refresh) is skipped, and does not
    // push the caller's rank down.
    await ctx.redis.zadd(key, 1000, 'user_not_a_member');
    await boardAnswers(ctx).invalidate(String(group.id));
    const stray = await board(td!.userId, 1);
    expect(stray.entries.map((e) => [e.rank, e.username.split('_')[0]])).toEqual([[1, 'ta']]);
    expect(stray.me).toEqual({ rank: 3, totalSeconds: 15 });
  });

  it('when asked over HTTP, then members get the board, strangers get 404 (private) or 403 (public), bad input 400', async () => {
    const m = await app.signedUpUser('hm');
    const s = await app.signedUpUser('hs');
    const member = (await User.findByPk(m.userId))!;
    const priv = await makeGroup(member, 'private');
    const pub = await makeGroup(member, 'public');
    await processSessionJob(ctx, { data: sessionJob(m.userId, new Date(Date.now() - 120_000), 60, priv.id) });
    const ok = await app.http.get(`/api/groups/${priv.id}/leaderboard?period=all&limit=5`, { token: m.token });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      period: 'all',
      from: null,
      entries: [{ rank: 1, userId: m.userId, username: m.username, totalSeconds: 60, currentStreak: 1 }],
      me: { rank: 1, totalSeconds: 60 },
    });
    const def = await app.http.get(`/api/groups/${priv.id}/leaderboard`, { token: m.token });
    expect(def.body.period).toBe('7d');
    expect((await app.http.get(`/api/groups/${priv.id}/leaderboard`, { token: s.token })).status).toBe(404);
    const forbidden = await app.http.get(`/api/groups/${pub.id}/leaderboard`, { token: s.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    expect((await app.http.get(`/api/groups/${priv.id}/leaderboard`)).status).toBe(401);
    const bad = await app.http.get(`/api/groups/${priv.id}/leaderboard?period=year&limit=101`, { token: m.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['query.limit', 'query.period']);
  });

  it('when Redis loses the boards, then reads fall back to PostgreSQL and enqueue a rebuild, and the rebuild gives the same boards', async () => {
    const users = await Promise.all(['ra', 'rb', 'rc'].map((n) => makeUser(n)));
    const group = await makeGroup(users[0]!, 'private', users.slice(1));
    const now = Date.now();
    for (let i = 0; i < 9; i += 1) {
      await processSessionJob(ctx, { data: sessionJob(users[i % 3]!.userId, new Date(now - i * 3 * 86_400_000 - 60_000), 60 * (i + 1), group.id) });
    }
    await rebuildBoards(ctx, { groupId: group.id });
    const snapshot = async () =>
      Promise.all(PERIODS.map((period) => getLeaderboard(ctx, users[0]!, { groupId: group.id, period, limit: 10 }).then((b) => ({ ...b, to: 'x' }))));
    const before = await snapshot();
    expect(before[3]!.entries.map((e) => e.totalSeconds)).toEqual([60 + 240 + 420, 120 + 300 + 480, 180 + 360 + 540].sort((x, y) => y - x));

    await deleteByPrefix(ctx.redis, ctx.key('lb'));
    // Answers this node computed before the wipe are still right and are served until the next
    // board write or their TTL; drop them to read as a fresh node would.
    await boardAnswers(ctx).invalidateAll();
    expect(await snapshot()).toEqual(before); // computed from PostgreSQL
    const queued = await ctx.queues.maintenance.getJobs(['waiting', 'delayed', 'active']);
    expect(queued.some((j) => j.name === 'rebuild-leaderboards' && j.data.groupId === group.id)).toBe(true);

    await rebuildBoards(ctx);
    expect(await ctx.redis.exists(ctx.key('lb', group.id, 'all', 'all'))).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it('when a worker starts with the boards missing, then it rebuilds them', async () => {
    const u = await makeUser('ws');
    const group = await makeGroup(u, 'private');
    await insertSession(ctx, u.userId, new Date(Date.now() - 60_000), 77, group.id);
    await deleteByPrefix(ctx.redis, ctx.key('lb'));
    await ctx.queues.maintenance.obliterate({ force: true });
    await app.startWorker();
    await eventually(async () => expect(Number(await ctx.redis.zscore(ctx.key('lb', group.id, 'all', 'all'), u.userId))).toBe(77));
  });
});
