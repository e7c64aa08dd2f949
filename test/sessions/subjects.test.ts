import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { AppContext } from '../../src/context';
import { User } from '../../src/db/models';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** A stored session with its focus-timer columns (counted `focus` of `raw` seconds). */
async function insertTimed(ctx: AppContext, userId: string, startedAt: Date, focus: number, subject: string | null, raw = focus): Promise<void> {
  await ctx.sequelize.query(
    `INSERT INTO study_sessions (session_uuid, user_id, group_id, duration_seconds, raw_seconds, paused_seconds, mode, subject, session_date, started_at, ended_at)
     VALUES (:uuid, :userId, NULL, :focus, :raw, :paused, 'pomodoro', :subject, :s, :s, :e)`,
    {
      replacements: { uuid: randomUUID(), userId, focus, raw, paused: raw - focus, subject, s: startedAt, e: new Date(startedAt.getTime() + raw * 1000) },
      type: QueryTypes.INSERT,
    },
  );
}

describe('study time by subject (issue 15)', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when asking my stats, then bySubject groups the period’s counted time case-insensitively, null for none, and sums to the period total', async () => {
    const me = await app.signedUpUser('subj');
    const other = await app.signedUpUser('subj-other');
    await User.update({ preferences: { timezone: 'America/Los_Angeles' } }, { where: { userId: me.userId } });
    const now = Date.now();
    const ago = (minutes: number) => new Date(now - minutes * 60_000);
    await insertTimed(ctx, me.userId, ago(300), 600, 'calculus', 1500); // breaks and pauses (900 s) never count
    await insertTimed(ctx, me.userId, ago(200), 300, 'Calculus');
    await insertTimed(ctx, me.userId, ago(100), 120, 'History');
    await insertTimed(ctx, me.userId, ago(90), 60, null);
    await insertTimed(ctx, me.userId, ago(80), 0, 'Capped', 50); // kept for the record, counted nothing
    await insertTimed(ctx, me.userId, ago(40 * 24 * 60), 999, 'calculus'); // outside the period
    await insertTimed(ctx, other.userId, ago(10), 5000, 'Calculus'); // someone else's

    const res = await app.http.get('/api/me/stats?days=7', { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body.periodSeconds).toBe(1080);
    // The display form is the most recent spelling in the period ("Calculus", 200 minutes ago).
    expect(res.body.bySubject).toEqual([
      { subject: 'Calculus', seconds: 900 },
      { subject: 'History', seconds: 120 },
      { subject: null, seconds: 60 },
    ]);
    const sum = res.body.bySubject.reduce((s: number, r: { seconds: number }) => s + r.seconds, 0);
    expect(sum).toBe(res.body.periodSeconds);
    expect(res.body.daily.reduce((s: number, d: { seconds: number }) => s + d.seconds, 0)).toBe(res.body.periodSeconds);

    const fresh = await app.signedUpUser('subj-new');
    const empty = await app.http.get('/api/me/stats', { token: fresh.token });
    expect(empty.body).toMatchObject({ periodSeconds: 0, bySubject: [] });
  });

  it('when the period is one day, then bySubject holds only that local day’s sessions and still sums to the total', async () => {
    const me = await app.signedUpUser('subj-day');
    await User.update({ preferences: { timezone: 'Pacific/Kiritimati' } }, { where: { userId: me.userId } });
    const now = Date.now();
    await insertTimed(ctx, me.userId, new Date(now - 60_000), 100, 'Physics');
    await insertTimed(ctx, me.userId, new Date(now - 2 * 86_400_000), 400, 'Physics');
    const res = await app.http.get('/api/me/stats?days=1', { token: me.token });
    expect(res.body.periodSeconds).toBe(100);
    expect(res.body.bySubject).toEqual([{ subject: 'Physics', seconds: 100 }]);
  });

  it('when asking my subjects, then the 20 most recent distinct ones come newest first in their latest spelling; only mine; signed out is 401', async () => {
    const me = await app.signedUpUser('subj-list');
    const other = await app.signedUpUser('subj-list-other');
    const base = Date.now() - 30 * 86_400_000;
    for (let i = 0; i < 25; i += 1) await insertTimed(ctx, me.userId, new Date(base + i * 3_600_000), 60, `Topic ${i}`);
    await insertTimed(ctx, me.userId, new Date(base + 30 * 3_600_000), 60, 'topic 3'); // re-used, new spelling
    await insertTimed(ctx, me.userId, new Date(base + 31 * 3_600_000), 60, null);
    await insertTimed(ctx, other.userId, new Date(base + 40 * 3_600_000), 60, 'Secret');

    const res = await app.http.get('/api/me/subjects', { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body.subjects).toHaveLength(20);
    expect(res.body.subjects.slice(0, 3)).toEqual(['topic 3', 'Topic 24', 'Topic 23']);
    expect(res.body.subjects).not.toContain('Topic 3');
    expect(res.body.subjects).not.toContain('Secret');
    expect(res.body.subjects.at(-1)).toBe('Topic 6');

    expect((await app.http.get('/api/me/subjects', { token: other.token })).body).toEqual({ subjects: ['Secret'] });
    expect((await app.http.get('/api/me/subjects')).status).toBe(401);
  });
});
