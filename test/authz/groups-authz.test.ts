import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup, type U } from '../groups/group-fixtures';

/**
 * The authorization table of the Groups, Invitations, Resources and progress, and
 * Notifications routes: every route × {anonymous, stranger, member, admin, leader,
 * leader of another group} × {public, private group}, exact status and error code.
 * Groups are leader_controlled so that admin and member rights differ on resources.
 */

type Actor = 'anon' | 'stranger' | 'member' | 'admin' | 'leader' | 'otherLeader';
const ACTORS: Actor[] = ['anon', 'stranger', 'member', 'admin', 'leader', 'otherLeader'];
type Vis = 'public' | 'private';
type Expect = Record<Actor, number>;

interface Fixture {
  group: any;
  resourceId: number;
}
interface Row {
  name: string;
  req: (f: Fixture, ctx: { guest: U; plain2: U; member: U }) => { method: string; path: string; body?: unknown };
  /** A 2xx here changes the fixture: each such cell gets a fresh group. */
  mutates?: boolean;
  expect: Record<Vis, Expect>;
}

const CODE: Record<number, string> = { 400: 'VALIDATION_FAILED', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' };

/** Members with a role in `allowed` get `ok`, other members 403; non-members 403 (public) or 404 (private). */
function byRole(ok: number, allowed: Actor[] = ['member', 'admin', 'leader'], overrides: Partial<Record<Vis, Partial<Expect>>> = {}): Record<Vis, Expect> {
  const make = (vis: Vis): Expect => {
    const outsider = vis === 'public' ? 403 : 404;
    const cell = (a: Actor): number => (allowed.includes(a) ? ok : 403);
    return {
      anon: 401,
      stranger: outsider,
      otherLeader: outsider,
      member: cell('member'),
      admin: cell('admin'),
      leader: cell('leader'),
      ...(overrides[vis] ?? {}),
    };
  };
  return { public: make('public'), private: make('private') };
}
const everyone = (ok: number, others = ok): Record<Vis, Expect> => {
  const e: Expect = { anon: 401, stranger: others, otherLeader: others, member: others, admin: others, leader: ok };
  return { public: e, private: e };
};

const ROWS: Row[] = [
  {
    name: 'GET /groups/:id',
    req: (f) => ({ method: 'GET', path: `/api/groups/${f.group.id}` }),
    expect: byRole(200, undefined, { public: { stranger: 200, otherLeader: 200 } }),
  },
  {
    name: 'PATCH /groups/:id',
    req: (f) => ({ method: 'PATCH', path: `/api/groups/${f.group.id}`, body: { description: 'changed' } }),
    expect: byRole(200, ['admin', 'leader']),
  },
  { name: 'DELETE /groups/:id', mutates: true, req: (f) => ({ method: 'DELETE', path: `/api/groups/${f.group.id}` }), expect: byRole(204, ['leader']) },
  {
    name: 'POST /groups/:id/join',
    mutates: true,
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/join` }),
    expect: byRole(200, undefined, { public: { stranger: 200, otherLeader: 200 } }),
  },
  {
    name: 'POST /groups/:id/leave',
    mutates: true,
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/leave` }),
    expect: byRole(204, ['member', 'admin'], { public: { leader: 409 }, private: { leader: 409 } }),
  },
  { name: 'GET /groups/:id/members', req: (f) => ({ method: 'GET', path: `/api/groups/${f.group.id}/members` }), expect: byRole(200) },
  {
    name: 'PATCH /groups/:id/members/:userId',
    mutates: true,
    req: (f, c) => ({ method: 'PATCH', path: `/api/groups/${f.group.id}/members/${c.plain2.userId}`, body: { role: 'admin' } }),
    expect: byRole(200, ['leader']),
  },
  {
    name: 'DELETE /groups/:id/members/:userId',
    mutates: true,
    req: (f, c) => ({ method: 'DELETE', path: `/api/groups/${f.group.id}/members/${c.plain2.userId}` }),
    expect: byRole(204, ['admin', 'leader']),
  },
  {
    name: 'POST /groups/:id/invite-code',
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/invite-code` }),
    expect: byRole(200, ['admin', 'leader']),
  },
  {
    name: 'POST /groups/:id/invitations',
    mutates: true,
    req: (f, c) => ({ method: 'POST', path: `/api/groups/${f.group.id}/invitations`, body: { invitedUserId: c.guest.userId } }),
    expect: byRole(201, ['admin', 'leader']),
  },
  { name: 'GET /groups/:id/resources', req: (f) => ({ method: 'GET', path: `/api/groups/${f.group.id}/resources` }), expect: byRole(200) },
  {
    name: 'POST /groups/:id/resources',
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/resources`, body: { title: 't', resourceType: 'link', url: 'https://example.com' } }),
    expect: byRole(201, ['leader']),
  },
  {
    name: 'PATCH /resources/:id',
    req: (f) => ({ method: 'PATCH', path: `/api/resources/${f.resourceId}`, body: { title: 'renamed' } }),
    expect: byRole(200, ['leader']),
  },
  { name: 'DELETE /resources/:id', mutates: true, req: (f) => ({ method: 'DELETE', path: `/api/resources/${f.resourceId}` }), expect: byRole(204, ['leader']) },
  {
    name: 'PUT /resources/:id/progress',
    req: (f) => ({ method: 'PUT', path: `/api/resources/${f.resourceId}/progress`, body: { progressPercentage: 10 } }),
    expect: byRole(200),
  },
  { name: 'GET /resources/:id/progress', req: (f) => ({ method: 'GET', path: `/api/resources/${f.resourceId}/progress` }), expect: byRole(200) },
  { name: 'GET /resources/:id/progress/all', req: (f) => ({ method: 'GET', path: `/api/resources/${f.resourceId}/progress/all` }), expect: byRole(200) },
  // User-scoped routes: the group's visibility does not matter.
  { name: 'POST /groups', req: () => ({ method: 'POST', path: '/api/groups', body: { groupName: 'new' } }), expect: everyone(201) },
  { name: 'GET /groups', req: () => ({ method: 'GET', path: '/api/groups' }), expect: everyone(200) },
  { name: 'GET /groups/discover', req: () => ({ method: 'GET', path: '/api/groups/discover' }), expect: everyone(200) },
  {
    name: 'POST /groups/join (unknown code)',
    req: () => ({ method: 'POST', path: '/api/groups/join', body: { inviteCode: 'no-such-code' } }),
    expect: everyone(404),
  },
  { name: 'GET /invitations', req: () => ({ method: 'GET', path: '/api/invitations' }), expect: everyone(200) },
  { name: 'GET /notifications', req: () => ({ method: 'GET', path: '/api/notifications' }), expect: everyone(200) },
  { name: 'GET /notifications/unread-count', req: () => ({ method: 'GET', path: '/api/notifications/unread-count' }), expect: everyone(200) },
  { name: 'POST /notifications/read-all', req: () => ({ method: 'POST', path: '/api/notifications/read-all' }), expect: everyone(204) },
];

describe('authorization table', () => {
  let app: TestApp;
  const who = {} as Record<Exclude<Actor, 'anon'>, U>;
  let plain2: U;
  let guest: U;
  const shared = {} as Record<Vis, Fixture>;

  async function fixture(vis: Vis): Promise<Fixture> {
    const group = await createGroup(app, who.leader, { visibility: vis, groupType: 'leader_controlled' });
    await addMember(app, group, who.leader, who.member);
    await addMember(app, group, who.leader, plain2);
    await addMember(app, group, who.leader, who.admin, 'admin');
    const res = await app.http.post(`/api/groups/${group.id}/resources`, {
      token: who.leader.token,
      body: { title: 'r', resourceType: 'link', url: 'https://example.com/r' },
    });
    return { group, resourceId: res.body.id };
  }

  beforeAll(async () => {
    // Every actor calls every route within seconds, fixtures included: far past a person's pace.
    app = await startTestApp({ env: BURSTING_TEST_LIMITS });
    const names: Array<Exclude<Actor, 'anon'>> = ['stranger', 'member', 'admin', 'leader', 'otherLeader'];
    const made = await Promise.all([...names, 'plain2', 'guest'].map((n) => app.signedUpUser(n)));
    for (const [i, n] of names.entries()) who[n] = made[i];
    [plain2, guest] = made.slice(names.length) as [U, U];
    await createGroup(app, who.otherLeader);
    shared.public = await fixture('public');
    shared.private = await fixture('private');
  });
  afterAll(async () => {
    await app.stop();
  });

  for (const row of ROWS) {
    for (const vis of ['public', 'private'] as Vis[]) {
      it(`when ${row.name} on a ${vis} group is called by each actor, then each gets its exact status`, async () => {
        const results = await Promise.all(
          ACTORS.map(async (actor) => {
            const expected = row.expect[vis][actor];
            const f = row.mutates && expected < 300 ? await fixture(vis) : shared[vis];
            const { method, path, body } = row.req(f, { guest, plain2, member: who.member });
            const res = await app.http.call(method, path, { token: actor === 'anon' ? undefined : who[actor].token, body });
            return { actor, status: res.status, code: res.body?.error?.code ?? null };
          }),
        );
        const expected = ACTORS.map((actor) => ({ actor, status: row.expect[vis][actor], code: CODE[row.expect[vis][actor]] ?? null }));
        expect(results).toEqual(expected);
      });
    }
  }

  it('when an invitation is accepted or declined by anyone but the invitee, then 401/404; the invitee gets 200', async () => {
    const inv = await app.http.post(`/api/groups/${shared.private.group.id}/invitations`, { token: who.leader.token, body: { invitedUserId: guest.userId } });
    expect(inv.status).toBe(201);
    for (const action of ['accept', 'decline']) {
      const results = await Promise.all(
        ACTORS.map(
          async (actor) =>
            (await app.http.post(`/api/invitations/${inv.body.id}/${action}`, { token: actor === 'anon' ? undefined : who[actor].token })).status,
        ),
      );
      expect(results).toEqual([401, 404, 404, 404, 404, 404]);
    }
    expect((await app.http.post(`/api/invitations/${inv.body.id}/decline`, { token: guest.token })).status).toBe(200);
  });

  it("when someone else's notification is marked read, then 404; its owner gets 204", async () => {
    const mine = await app.http.get('/api/notifications', { token: who.leader.token });
    const id = mine.body.items[0].id;
    const results = await Promise.all(
      ACTORS.filter((a) => a !== 'leader').map(
        async (actor) => (await app.http.post(`/api/notifications/${id}/read`, { token: actor === 'anon' ? undefined : who[actor].token })).status,
      ),
    );
    expect(results).toEqual([401, 404, 404, 404, 404]);
    expect((await app.http.post(`/api/notifications/${id}/read`, { token: who.leader.token })).status).toBe(204);
  });

  it('when a private group is probed by a stranger, then no route reveals it exists (same 404 as a missing id)', async () => {
    const missing = await app.http.get('/api/groups/999999', { token: who.stranger.token });
    const hidden = await app.http.get(`/api/groups/${shared.private.group.id}`, { token: who.stranger.token });
    expect(hidden.body).toEqual(missing.body);
  });
});
