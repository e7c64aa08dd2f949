import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { GroupInvitation, User } from '../../src/db/models';
import type { AppContext } from '../../src/context';
import { expireInvitations } from '../../src/components/groups';
import { stopStaleTimers } from '../../src/components/timers';
import { processSessionJob } from '../../workers/processors/persist-session.processor';
import { eventually } from '../helpers/eventually';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { countRows, insertSession, makeGroup, makeUser, sessionJob } from './fixtures';

describe('sessions, stats and upkeep', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when listing my sessions, then they come newest first, paged by cursor, filtered by time and group, never anyone else’s', async () => {
    const me = await app.signedUpUser('lister');
    const other = await app.signedUpUser('other');
    const group = await makeGroup((await User.findByPk(me.userId))!);
    const base = Date.parse('2026-02-01T10:00:00Z');
    for (let i = 0; i < 5; i += 1) await insertSession(ctx, me.userId, new Date(base + i * 3_600_000), 60 + i, i % 2 ? group.id : null);
    await insertSession(ctx, other.userId, new Date(base), 60);

    const p1 = await app.http.get('/api/sessions?limit=2', { token: me.token });
    expect(p1.status).toBe(200);
    expect(p1.body.items.map((s: { durationSeconds: number }) => s.durationSeconds)).toEqual([64, 63]);
    expect(Object.keys(p1.body.items[0]).sort()).toEqual([
      'durationSeconds',
      'endReason',
      'endedAt',
      'groupId',
      'id',
      'mode',
      'pausedSeconds',
      'rawSeconds',
      'sessionDate',
      'sessionNotes',
      'sessionUuid',
      'startedAt',
      'subject',
    ]);
    expect(p1.body.items[0].sessionDate).toBe(p1.body.items[0].startedAt);
    // A row written straight into the table (without the focus-timer columns) reads as a plain stopwatch.
    expect(p1.body.items[0]).toMatchObject({ rawSeconds: 64, pausedSeconds: 0, mode: 'stopwatch', subject: null, endReason: 'stopped' });
    const p2 = await app.http.get(`/api/sessions?limit=2&cursor=${p1.body.nextCursor}`, { token: me.token });
    const p3 = await app.http.get(`/api/sessions?limit=2&cursor=${p2.body.nextCursor}`, { token: me.token });
    expect([...p2.body.items, ...p3.body.items].map((s: { durationSeconds: number }) => s.durationSeconds)).toEqual([62, 61, 60]);
    expect(p3.body.nextCursor).toBeNull();

    const ranged = await app.http.get(`/api/sessions?from=2026-02-01T11:00:00Z&to=2026-02-01T13:00:00Z`, { token: me.token });
    expect(ranged.body.items.map((s: { durationSeconds: number }) => s.durationSeconds)).toEqual([62, 61]);
    const inGroup = await app.http.get(`/api/sessions?groupId=${group.id}`, { token: me.token });
    expect(inGroup.body.items.map((s: { durationSeconds: number }) => s.durationSeconds)).toEqual([63, 61]);

    const bad = await app.http.get('/api/sessions?limit=0&from=yesterday&cursor=zzz', { token: me.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['query.from', 'query.limit']);
    expect((await app.http.get('/api/sessions?cursor=zzz', { token: me.token })).status).toBe(400);
    expect((await app.http.get('/api/sessions')).status).toBe(401);
  });

  it('when editing notes, then only my own session changes; another user’s is 404; bad bodies are 400', async () => {
    const me = await app.signedUpUser('noter');
    const other = await app.signedUpUser('snoop');
    const id = await insertSession(ctx, me.userId, '2026-02-02T10:00:00Z', 60);
    const ok = await app.http.patch(`/api/sessions/${id}`, { token: me.token, body: { sessionNotes: 'chapter 3' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id, sessionNotes: 'chapter 3' });
    const theirs = await app.http.patch(`/api/sessions/${id}`, { token: other.token, body: { sessionNotes: 'mine now' } });
    expect(theirs.status).toBe(404);
    expect((await app.http.patch(`/api/sessions/${id}`, { token: me.token, body: { sessionNotes: 5 } })).status).toBe(400);
    expect((await app.http.patch(`/api/sessions/${id}`, { token: me.token, body: { sessionNotes: 'x'.repeat(2001) } })).status).toBe(400);
    const [row] = await ctx.sequelize.query<{ n: string }>('SELECT session_notes AS n FROM study_sessions WHERE id = :id', {
      replacements: { id },
      type: QueryTypes.SELECT,
    });
    expect(row!.n).toBe('chapter 3');
  });

  it('when asking my stats, then daily has exactly `days` local days ending today, zero-filled, in my timezone', async () => {
    const me = await app.signedUpUser('stats');
    await User.update({ preferences: { timezone: 'Pacific/Kiritimati' } }, { where: { userId: me.userId } });
    const now = Date.now();
    await processSessionJob(ctx, { data: sessionJob(me.userId, new Date(now - 60_000), 120) });
    await processSessionJob(ctx, { data: sessionJob(me.userId, new Date(now - 2 * 86_400_000), 30) });
    await insertSession(ctx, me.userId, new Date(now - 30 * 86_400_000), 999);
    const res = await app.http.get('/api/me/stats?days=3', { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('Pacific/Kiritimati');
    expect(res.body.daily.map((d: { seconds: number }) => d.seconds)).toEqual([30, 0, 120]);
    expect(res.body).toMatchObject({ todaySeconds: 120, periodSeconds: 150, currentStreak: 1, longestStreak: 1 });
    const def = await app.http.get('/api/me/stats', { token: me.token });
    expect(def.body.daily).toHaveLength(7);
    expect((await app.http.get('/api/me/stats?days=367', { token: me.token })).status).toBe(400);
    expect((await app.http.get('/api/me/stats?days=0', { token: me.token })).status).toBe(400);
  });

  it('when a timer has run past MAX_SESSION_HOURS, then the sweep stops it and the worker stores it capped', async () => {
    const u = await makeUser('forgot');
    const startedAt = new Date(Date.now() - 13 * 3_600_000);
    const uuid = randomUUID();
    await ctx.redis.set(ctx.key('timer', u.userId), JSON.stringify({ startedAt: startedAt.toISOString(), groupId: null, sessionUuid: uuid }));
    await ctx.redis.zadd(ctx.key('timers'), startedAt.getTime(), u.userId);
    const fresh = await makeUser('fresh');
    await ctx.redis.set(ctx.key('timer', fresh.userId), JSON.stringify({ startedAt: new Date().toISOString(), groupId: null, sessionUuid: randomUUID() }));
    await ctx.redis.zadd(ctx.key('timers'), Date.now(), fresh.userId);

    expect(await stopStaleTimers(ctx)).toEqual({ stopped: 1 });
    expect(await ctx.redis.exists(ctx.key('timer', fresh.userId))).toBe(1);
    await app.startWorker();
    await eventually(async () => expect(await countRows(ctx, 'session_uuid = :u', { u: uuid })).toBe(1));
    const [row] = await ctx.sequelize.query<{ d: number }>('SELECT duration_seconds AS d FROM study_sessions WHERE session_uuid = :u', {
      replacements: { u: uuid },
      type: QueryTypes.SELECT,
    });
    expect(row!.d).toBe(12 * 3600);
    expect((await User.findByPk(u.userId))!.totalStudyTime).toBe(12 * 3600);
  });

  it('when invitations pass their expiry, then the sweep marks pending ones expired and leaves the rest', async () => {
    const a = await makeUser('inv');
    const b = await makeUser('invd');
    const c = await makeUser('invc');
    const group = await makeGroup(a);
    const old = await GroupInvitation.create({ groupId: group.id, invitedUserId: b.userId, invitedBy: a.userId, expiresAt: new Date(Date.now() - 1000) });
    const live = await GroupInvitation.create({ groupId: group.id, invitedUserId: c.userId, invitedBy: a.userId, expiresAt: new Date(Date.now() + 3_600_000) });
    const { expired } = await expireInvitations(ctx);
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await old.reload()).status).toBe('expired');
    expect((await live.reload()).status).toBe('pending');
  });

  it('when the worker serves metrics, then queue depths per state are exposed', async () => {
    const { registerQueueMetrics } = await import('../../workers/queue-metrics');
    registerQueueMetrics(ctx);
    registerQueueMetrics(ctx);
    const text = await ctx.metrics.metrics();
    expect(text).toMatch(/studysync_queue_jobs\{queue="sessions",state="failed",role="api"\} \d+/);
  });
});
