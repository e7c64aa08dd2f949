import type { AppContext } from '../../src/context';
import { User } from '../../src/db/models';
import { rebuildBoards } from '../../src/components/leaderboards/leaderboard.store';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { insertSession, makeGroup } from '../sessions/fixtures';

/** `GET /api/groups/:id/leaderboard?around=me&radius=` (issue 16, rank neighbours). */
describe('leaderboard rank neighbours (around=me)', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Six members with time (one tie of three) and one without. */
  async function board() {
    const names = ['na', 'nb', 'nc', 'nd', 'ne', 'nf', 'nz'];
    const users: Array<Awaited<ReturnType<TestApp['signedUpUser']>>> = [];
    for (const n of names) users.push(await app.signedUpUser(n));
    const creator = (await User.findByPk(users[0]!.userId))!;
    const others = await Promise.all(users.slice(1).map((u) => User.findByPk(u.userId).then((x) => x!)));
    const group = await makeGroup(creator, 'private', others);
    const at = new Date(Date.now() - 3_600_000);
    const seconds = [600, 500, 400, 400, 400, 100];
    for (const [i, s] of seconds.entries()) await insertSession(ctx, users[i]!.userId, at, s, group.id);
    await rebuildBoards(ctx, { groupId: group.id });
    const get = (i: number, query: string) => app.http.get(`/api/groups/${group.id}/leaderboard?period=week&around=me${query}`, { token: users[i]!.token });
    const rows = (body: { entries: Array<{ username: string; rank: number }> }) => body.entries.map((e) => [e.username.slice(0, 2), e.rank]);
    // Board order: na 1, nb 2, nc 3, nd 3, ne 3 (a tie, by username), nf 6.
    return { users, group, get, rows };
  }

  it('when asked at the top, at the bottom and inside a tie, then the window is radius places either side with shared ranks', async () => {
    const { get, rows } = await board();
    const top = await get(0, '&radius=2');
    expect(top.status).toBe(200);
    expect(rows(top.body)).toEqual([
      ['na', 1],
      ['nb', 2],
      ['nc', 3],
    ]);
    expect(top.body.me).toEqual({ rank: 1, totalSeconds: 600 });

    const bottom = await get(5, '&radius=1');
    expect(rows(bottom.body)).toEqual([
      ['ne', 3],
      ['nf', 6],
    ]);
    expect(bottom.body.me).toEqual({ rank: 6, totalSeconds: 100 });

    const tie = await get(3, ''); // default radius 2
    expect(rows(tie.body)).toEqual([
      ['nb', 2],
      ['nc', 3],
      ['nd', 3],
      ['ne', 3],
      ['nf', 6],
    ]);
    expect(tie.body.me).toEqual({ rank: 3, totalSeconds: 400 });
    expect(tie.body.entries[0]).toMatchObject({ totalSeconds: 500, currentStreak: expect.any(Number) });
  });

  it('when the caller has no time in the period, then the last radius entries and me null', async () => {
    const { get, rows } = await board();
    const none = await get(6, '&radius=2');
    expect(none.status).toBe(200);
    expect(rows(none.body)).toEqual([
      ['ne', 3],
      ['nf', 6],
    ]);
    expect(none.body.me).toBeNull();
  });

  it('when a streak is kept alive by a freeze, then around=me shows it as the top board does', async () => {
    const { users, group, get } = await board();
    // nb studied 5 days up to two days ago and holds a freeze: yesterday is bridged.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    await ctx.sequelize.query(
      `INSERT INTO streaks (user_id, current_streak, longest_streak, last_active_date, freezes_available)
       VALUES (:id, 5, 5, :day, 1)
       ON CONFLICT (user_id) DO UPDATE SET current_streak = 5, longest_streak = 5, last_active_date = :day, freezes_available = 1`,
      { replacements: { id: users[1]!.userId, day: twoDaysAgo } },
    );
    const streakOf = (body: { entries: Array<{ username: string; currentStreak: number }> }) =>
      body.entries.find((e) => e.username.startsWith('nb'))?.currentStreak;
    const around = await get(1, '&radius=1');
    const top = await app.http.get(`/api/groups/${group.id}/leaderboard?period=week`, { token: users[1]!.token });
    expect(top.status).toBe(200);
    expect(streakOf(top.body)).toBe(5);
    expect(streakOf(around.body)).toBe(5);
  });

  it('when radius is out of range or around is not me, then 400 VALIDATION_FAILED; strangers get what they get for the board', async () => {
    const { group, get, users } = await board();
    for (const radius of ['0', '11', 'x', '1.5']) {
      const bad = await get(0, `&radius=${radius}`);
      expect({ radius, status: bad.status, code: bad.body.error?.code }).toEqual({ radius, status: 400, code: 'VALIDATION_FAILED' });
      expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['query.radius']);
    }
    const other = await app.http.get(`/api/groups/${group.id}/leaderboard?around=you`, { token: users[0]!.token });
    expect(other.status).toBe(400);
    const stranger = await app.signedUpUser('ns');
    expect((await app.http.get(`/api/groups/${group.id}/leaderboard?around=me`, { token: stranger.token })).status).toBe(404);
    expect((await app.http.get(`/api/groups/${group.id}/leaderboard?around=me`)).status).toBe(401);
  });
});
