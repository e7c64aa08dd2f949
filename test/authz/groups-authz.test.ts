import { type Action, decide, type GroupType, type Role, type Subject, type Visibility } from '../../src/shared/policy';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup, type U } from '../groups/group-fixtures';

/**
 * The authorization table of every group-scoped route — groups, members, invitations,
 * resources and progress, uploads and content, chat, leaderboard — called by each of
 * {anonymous, stranger, member, admin, leader, leader of another group} on a
 * {public, private} × {leader_controlled, community} group: exact status and error code.
 *
 * The expected statuses are not written here: they are read from the permission policy
 * (src/shared/policy.ts), the same table the server enforces and the web client reads.
 * Each row names the policy action its route is gated by; a refusal is 404 or 403 as the
 * policy says, a permitted call the route's success status (or an outcome past the
 * permission check, such as the last leader's 409).
 */

type Actor = 'anon' | 'stranger' | 'member' | 'admin' | 'leader' | 'otherLeader';
const ACTORS: Actor[] = ['anon', 'stranger', 'member', 'admin', 'leader', 'otherLeader'];
type SignedIn = Exclude<Actor, 'anon'>;
/** Each actor's role in the fixture group (null: not a member). */
const ROLE: Record<SignedIn, Role | null> = { stranger: null, otherLeader: null, member: 'member', admin: 'admin', leader: 'leader' };
const VISIBILITIES: Visibility[] = ['public', 'private'];
const TYPES: GroupType[] = ['leader_controlled', 'community'];

interface Fixture {
  group: any;
  /** A link added by the leader, and one added by the member. */
  leaderResourceId: number;
  memberResourceId: number;
  /** An uploaded file (stored content), added by the leader. */
  fileResourceId: number;
  leaderMessageId: number;
  memberMessageId: number;
}
interface People {
  guest: U;
  plain2: U;
  admin2: U;
}
interface Row {
  name: string;
  /** The policy action that gates the route. */
  action: Action;
  /** The route's success status. */
  ok: number;
  req: (f: Fixture, p: People) => { method: string; path: string; body?: unknown };
  /** What the action is done to, as each actor sees it (own message, the member removed…). */
  subject?: (actor: SignedIn) => Subject;
  /** Outcomes past the permission check (the policy allows, the use-case answers otherwise). */
  after?: Partial<Record<SignedIn, number>>;
  /** A 2xx here changes the fixture: each such cell gets a fresh group. */
  mutates?: boolean;
}

const CODE: Record<number, string> = { 400: 'VALIDATION_FAILED', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' };
const ownBy =
  (owner: SignedIn) =>
  (actor: SignedIn): Subject => ({ own: actor === owner });

/** The status the policy table gives `actor` for `row` on a group of this type and visibility. */
function expected(row: Row, actor: Actor, visibility: Visibility, groupType: GroupType): number {
  if (actor === 'anon') return 401;
  const decision = decide(row.action, { role: ROLE[actor], groupType, visibility }, row.subject?.(actor));
  if (!decision.allowed) return decision.error === 'NOT_FOUND' ? 404 : 403;
  return row.after?.[actor] ?? row.ok;
}

const ROWS: Row[] = [
  // groups and members
  { name: 'GET /groups/:id', action: 'group.view', ok: 200, req: (f) => ({ method: 'GET', path: `/api/groups/${f.group.id}` }) },
  {
    name: 'PATCH /groups/:id',
    action: 'group.edit',
    ok: 200,
    req: (f) => ({ method: 'PATCH', path: `/api/groups/${f.group.id}`, body: { description: 'changed' } }),
  },
  { name: 'DELETE /groups/:id', action: 'group.delete', ok: 204, mutates: true, req: (f) => ({ method: 'DELETE', path: `/api/groups/${f.group.id}` }) },
  { name: 'POST /groups/:id/join', action: 'group.join', ok: 200, mutates: true, req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/join` }) },
  {
    name: 'POST /groups/:id/leave',
    action: 'group.leave',
    ok: 204,
    mutates: true,
    after: { leader: 409 }, // the last leader stays
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/leave` }),
  },
  { name: 'GET /groups/:id/members', action: 'members.view', ok: 200, req: (f) => ({ method: 'GET', path: `/api/groups/${f.group.id}/members` }) },
  {
    name: 'PATCH /groups/:id/members/:userId',
    action: 'member.changeRole',
    ok: 200,
    mutates: true,
    req: (f, p) => ({ method: 'PATCH', path: `/api/groups/${f.group.id}/members/${p.plain2.userId}`, body: { role: 'admin' } }),
  },
  {
    name: 'DELETE /groups/:id/members/:userId (a plain member)',
    action: 'member.remove',
    ok: 204,
    mutates: true,
    subject: () => ({ targetRole: 'member' }),
    req: (f, p) => ({ method: 'DELETE', path: `/api/groups/${f.group.id}/members/${p.plain2.userId}` }),
  },
  {
    name: 'DELETE /groups/:id/members/:userId (an admin)',
    action: 'member.remove',
    ok: 204,
    mutates: true,
    subject: () => ({ targetRole: 'admin' }),
    req: (f, p) => ({ method: 'DELETE', path: `/api/groups/${f.group.id}/members/${p.admin2.userId}` }),
  },
  {
    name: 'POST /groups/:id/invite-code',
    action: 'group.inviteCode',
    ok: 200,
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/invite-code` }),
  },
  {
    name: 'POST /groups/:id/invitations',
    action: 'member.invite',
    ok: 201,
    mutates: true,
    req: (f, p) => ({ method: 'POST', path: `/api/groups/${f.group.id}/invitations`, body: { invitedUserId: p.guest.userId } }),
  },
  // resources and progress
  { name: 'GET /groups/:id/resources', action: 'resources.view', ok: 200, req: (f) => ({ method: 'GET', path: `/api/groups/${f.group.id}/resources` }) },
  {
    name: 'POST /groups/:id/resources',
    action: 'resource.add',
    ok: 201,
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/resources`, body: { title: 't', resourceType: 'link', url: 'https://example.com' } }),
  },
  {
    name: "PATCH /resources/:id (the leader's)",
    action: 'resource.edit',
    ok: 200,
    subject: ownBy('leader'),
    req: (f) => ({ method: 'PATCH', path: `/api/resources/${f.leaderResourceId}`, body: { title: 'renamed' } }),
  },
  {
    name: "PATCH /resources/:id (the member's)",
    action: 'resource.edit',
    ok: 200,
    subject: ownBy('member'),
    req: (f) => ({ method: 'PATCH', path: `/api/resources/${f.memberResourceId}`, body: { title: 'renamed' } }),
  },
  {
    name: "DELETE /resources/:id (the leader's)",
    action: 'resource.delete',
    ok: 204,
    mutates: true,
    subject: ownBy('leader'),
    req: (f) => ({ method: 'DELETE', path: `/api/resources/${f.leaderResourceId}` }),
  },
  {
    name: "DELETE /resources/:id (the member's)",
    action: 'resource.delete',
    ok: 204,
    mutates: true,
    subject: ownBy('member'),
    req: (f) => ({ method: 'DELETE', path: `/api/resources/${f.memberResourceId}` }),
  },
  {
    name: 'PUT /resources/:id/progress',
    action: 'progress.record',
    ok: 200,
    req: (f) => ({ method: 'PUT', path: `/api/resources/${f.leaderResourceId}/progress`, body: { progressPercentage: 10 } }),
  },
  {
    name: 'GET /resources/:id/progress',
    action: 'progress.view',
    ok: 200,
    req: (f) => ({ method: 'GET', path: `/api/resources/${f.leaderResourceId}/progress` }),
  },
  {
    name: 'GET /resources/:id/progress/all',
    action: 'progress.view',
    ok: 200,
    req: (f) => ({ method: 'GET', path: `/api/resources/${f.leaderResourceId}/progress/all` }),
  },
  // uploads and their content
  {
    name: 'POST /groups/:id/uploads',
    action: 'resource.upload',
    ok: 201,
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/uploads`, body: { fileName: 'notes.pdf', contentType: 'application/pdf', fileSize: 10 } }),
  },
  {
    name: 'GET /resources/:id/content-url',
    action: 'resource.content',
    ok: 200,
    req: (f) => ({ method: 'GET', path: `/api/resources/${f.fileResourceId}/content-url` }),
  },
  {
    name: 'GET /resources/:id/content',
    action: 'resource.content',
    ok: 200,
    req: (f) => ({ method: 'GET', path: `/api/resources/${f.fileResourceId}/content` }),
  },
  // chat
  { name: 'GET /groups/:id/messages', action: 'chat.read', ok: 200, req: (f) => ({ method: 'GET', path: `/api/groups/${f.group.id}/messages` }) },
  {
    name: 'POST /groups/:id/messages',
    action: 'chat.send',
    ok: 201,
    req: (f) => ({ method: 'POST', path: `/api/groups/${f.group.id}/messages`, body: { content: 'hello' } }),
  },
  {
    name: "PATCH /messages/:id (the leader's)",
    action: 'chat.edit',
    ok: 200,
    subject: ownBy('leader'),
    req: (f) => ({ method: 'PATCH', path: `/api/messages/${f.leaderMessageId}`, body: { content: 'edited' } }),
  },
  {
    name: "PATCH /messages/:id (the member's)",
    action: 'chat.edit',
    ok: 200,
    subject: ownBy('member'),
    req: (f) => ({ method: 'PATCH', path: `/api/messages/${f.memberMessageId}`, body: { content: 'edited' } }),
  },
  {
    name: "DELETE /messages/:id (the leader's)",
    action: 'chat.delete',
    ok: 204,
    mutates: true,
    subject: ownBy('leader'),
    req: (f) => ({ method: 'DELETE', path: `/api/messages/${f.leaderMessageId}` }),
  },
  {
    name: "DELETE /messages/:id (the member's)",
    action: 'chat.delete',
    ok: 204,
    mutates: true,
    subject: ownBy('member'),
    req: (f) => ({ method: 'DELETE', path: `/api/messages/${f.memberMessageId}` }),
  },
  // leaderboard
  { name: 'GET /groups/:id/leaderboard', action: 'leaderboard.view', ok: 200, req: (f) => ({ method: 'GET', path: `/api/groups/${f.group.id}/leaderboard` }) },
];

/** User-scoped routes: no group, so every signed-in caller gets the same answer. */
const USER_ROWS: Array<{ name: string; req: { method: string; path: string; body?: unknown }; status: number }> = [
  { name: 'POST /groups', req: { method: 'POST', path: '/api/groups', body: { groupName: 'new' } }, status: 201 },
  { name: 'GET /groups', req: { method: 'GET', path: '/api/groups' }, status: 200 },
  { name: 'GET /groups/discover', req: { method: 'GET', path: '/api/groups/discover' }, status: 200 },
  { name: 'POST /groups/join (unknown code)', req: { method: 'POST', path: '/api/groups/join', body: { inviteCode: 'no-such-code' } }, status: 404 },
  { name: 'GET /invitations', req: { method: 'GET', path: '/api/invitations' }, status: 200 },
  { name: 'GET /notifications', req: { method: 'GET', path: '/api/notifications' }, status: 200 },
  { name: 'GET /notifications/unread-count', req: { method: 'GET', path: '/api/notifications/unread-count' }, status: 200 },
  { name: 'POST /notifications/read-all', req: { method: 'POST', path: '/api/notifications/read-all' }, status: 204 },
];

describe('authorization table', () => {
  let app: TestApp;
  const who = {} as Record<SignedIn, U>;
  let people: People;
  const shared = {} as Record<`${Visibility}/${GroupType}`, Fixture>;

  const call = (actor: Actor, req: { method: string; path: string; body?: unknown }) =>
    app.http.call(req.method, req.path, { token: actor === 'anon' ? undefined : who[actor].token, body: req.body });

  async function created(res: { status: number; body: any }, what: string): Promise<any> {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /**
   * A group of this visibility and type: the leader, a member, a second plain member, two
   * admins; a link of the leader and one of the member, an uploaded file, a message of
   * the leader and one of the member. Built as a community group (so the member can add
   * a link) and switched to `groupType` afterwards.
   */
  async function fixture(visibility: Visibility, groupType: GroupType): Promise<Fixture> {
    const { leader, member } = who;
    const group = await createGroup(app, leader, { visibility, groupType: 'community' });
    await addMember(app, group, leader, member);
    await addMember(app, group, leader, people.plain2);
    await addMember(app, group, leader, who.admin, 'admin');
    await addMember(app, group, leader, people.admin2, 'admin');
    const link = (u: U) =>
      app.http.post(`/api/groups/${group.id}/resources`, { token: u.token, body: { title: 'r', resourceType: 'link', url: 'https://example.com/r' } });
    const leaderResource = await created(await link(leader), 'leader link');
    const memberResource = await created(await link(member), 'member link');
    const bytes = Buffer.from('%PDF-1.4 fixture');
    const ticket = await created(
      await app.http.post(`/api/groups/${group.id}/uploads`, {
        token: leader.token,
        body: { fileName: 'f.pdf', contentType: 'application/pdf', fileSize: bytes.length },
      }),
      'upload',
    );
    const put = await fetch(ticket.url, { method: ticket.method, headers: ticket.headers, body: bytes });
    if (put.status !== 204) throw new Error(`upload bytes: ${put.status}`);
    const file = await created(
      await app.http.post(`/api/groups/${group.id}/resources`, { token: leader.token, body: { title: 'f', resourceType: 'file', uploadId: ticket.uploadId } }),
      'file resource',
    );
    const say = (u: U) => app.http.post(`/api/groups/${group.id}/messages`, { token: u.token, body: { content: `from ${u.username}` } });
    const leaderMessage = await created(await say(leader), 'leader message');
    const memberMessage = await created(await say(member), 'member message');
    if (groupType !== 'community') await created(await app.http.patch(`/api/groups/${group.id}`, { token: leader.token, body: { groupType } }), 'group type');
    return {
      group,
      leaderResourceId: leaderResource.id,
      memberResourceId: memberResource.id,
      fileResourceId: file.id,
      leaderMessageId: leaderMessage.id,
      memberMessageId: memberMessage.id,
    };
  }

  beforeAll(async () => {
    // Every actor calls every route within seconds, fixtures included: far past a person's pace.
    app = await startTestApp({
      env: {
        ...BURSTING_TEST_LIMITS,
        CHAT_RATE_LIMIT: '10000',
        INVITATIONS_PER_HOUR_PER_INVITER: '100000',
        INVITATIONS_PER_HOUR_PER_INVITEE: '100000',
      },
    });
    const names: SignedIn[] = ['stranger', 'member', 'admin', 'leader', 'otherLeader'];
    const made = await Promise.all([...names, 'plain2', 'guest', 'admin2'].map((n) => app.signedUpUser(n)));
    for (const [i, n] of names.entries()) who[n] = made[i];
    const [plain2, guest, admin2] = made.slice(names.length) as [U, U, U];
    people = { plain2, guest, admin2 };
    await createGroup(app, who.otherLeader);
    for (const visibility of VISIBILITIES) for (const type of TYPES) shared[`${visibility}/${type}`] = await fixture(visibility, type);
  });
  afterAll(async () => {
    await app.stop();
  });

  for (const row of ROWS) {
    for (const visibility of VISIBILITIES) {
      for (const type of TYPES) {
        it(`when ${row.name} on a ${visibility} ${type} group is called by each actor, then each gets the status of the policy table`, async () => {
          const results = await Promise.all(
            ACTORS.map(async (actor) => {
              const status = expected(row, actor, visibility, type);
              const f = row.mutates && status < 300 ? await fixture(visibility, type) : shared[`${visibility}/${type}`];
              const res = await call(actor, row.req(f, people));
              return { actor, status: res.status, code: res.body?.error?.code ?? null };
            }),
          );
          const wanted = ACTORS.map((actor) => {
            const status = expected(row, actor, visibility, type);
            return { actor, status, code: CODE[status] ?? null };
          });
          expect(results).toEqual(wanted);
        });
      }
    }
  }

  for (const row of USER_ROWS) {
    it(`when ${row.name} (no group) is called by each actor, then anonymous gets 401 and everyone else ${row.status}`, async () => {
      const results = await Promise.all(ACTORS.map(async (actor) => (await call(actor, row.req)).status));
      expect(results).toEqual(ACTORS.map((actor) => (actor === 'anon' ? 401 : row.status)));
    });
  }

  it('when an invitation is accepted or declined by anyone but the invitee, then 401/404; the invitee gets 200', async () => {
    const { group } = shared['private/leader_controlled'];
    const inv = await app.http.post(`/api/groups/${group.id}/invitations`, { token: who.leader.token, body: { invitedUserId: people.guest.userId } });
    expect(inv.status).toBe(201);
    for (const action of ['accept', 'decline']) {
      const results = await Promise.all(
        ACTORS.map(async (actor) => (await call(actor, { method: 'POST', path: `/api/invitations/${inv.body.id}/${action}` })).status),
      );
      expect(results).toEqual([401, 404, 404, 404, 404, 404]);
    }
    expect((await app.http.post(`/api/invitations/${inv.body.id}/decline`, { token: people.guest.token })).status).toBe(200);
  });

  it("when someone else's notification is marked read, then 404; its owner gets 204", async () => {
    const mine = await app.http.get('/api/notifications', { token: who.leader.token });
    const id = mine.body.items[0].id;
    const results = await Promise.all(
      ACTORS.filter((a) => a !== 'leader').map(async (actor) => (await call(actor, { method: 'POST', path: `/api/notifications/${id}/read` })).status),
    );
    expect(results).toEqual([401, 404, 404, 404, 404]);
    expect((await app.http.post(`/api/notifications/${id}/read`, { token: who.leader.token })).status).toBe(204);
  });

  it('when a private group is probed by a stranger, then no route reveals it exists (same 404 as a missing id)', async () => {
    const missing = await app.http.get('/api/groups/999999', { token: who.stranger.token });
    const hidden = await app.http.get(`/api/groups/${shared['private/leader_controlled'].group.id}`, { token: who.stranger.token });
    expect(hidden.body).toEqual(missing.body);
  });

  it('when the table is read for the original leader_controlled rows, then it gives the statuses this test held before it read the policy', () => {
    // A guard against the table drifting from what the API promised: the hand-written
    // expectations of the routes that existed before the policy module, leader_controlled.
    const byRole = (ok: number, allowed: SignedIn[]) => (vis: Visibility) =>
      ACTORS.map((a) => (a === 'anon' ? 401 : ROLE[a] === null ? (vis === 'public' ? 403 : 404) : allowed.includes(a) ? ok : 403));
    const rowNamed = (name: string) => ROWS.find((r) => r.name === name) as Row;
    const check = (name: string, expectation: (vis: Visibility) => number[]) => {
      for (const vis of VISIBILITIES)
        expect([name, vis, ACTORS.map((a) => expected(rowNamed(name), a, vis, 'leader_controlled'))]).toEqual([name, vis, expectation(vis)]);
    };
    check('PATCH /groups/:id', byRole(200, ['admin', 'leader']));
    check('DELETE /groups/:id', byRole(204, ['leader']));
    check('GET /groups/:id/members', byRole(200, ['member', 'admin', 'leader']));
    check('PATCH /groups/:id/members/:userId', byRole(200, ['leader']));
    check('DELETE /groups/:id/members/:userId (a plain member)', byRole(204, ['admin', 'leader']));
    check('POST /groups/:id/invite-code', byRole(200, ['admin', 'leader']));
    check('POST /groups/:id/invitations', byRole(201, ['admin', 'leader']));
    check('POST /groups/:id/resources', byRole(201, ['leader']));
    check("PATCH /resources/:id (the leader's)", byRole(200, ['leader']));
    check("DELETE /resources/:id (the leader's)", byRole(204, ['leader']));
    check('PUT /resources/:id/progress', byRole(200, ['member', 'admin', 'leader']));
    check('GET /groups/:id', (vis) => (vis === 'public' ? [401, 200, 200, 200, 200, 200] : [401, 404, 200, 200, 200, 404]));
    check('POST /groups/:id/join', (vis) => (vis === 'public' ? [401, 200, 200, 200, 200, 200] : [401, 404, 200, 200, 200, 404]));
    check('POST /groups/:id/leave', (vis) => [401, vis === 'public' ? 403 : 404, 204, 204, 409, vis === 'public' ? 403 : 404]);
  });
});
