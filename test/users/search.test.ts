import { User } from '../../src/db/models';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { createGroup, users } from '../groups/group-fixtures';

/** Finding friends (issue 16): `GET /api/users?search=` and invitations by `{username}`. */
describe('finding friends', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Fixtures through REST at machine speed; the search limit itself stays small.
    app = await startTestApp({ env: { ...BURSTING_TEST_LIMITS, USER_SEARCH_RATE_BURST: '6', USER_SEARCH_RATE_PER_MINUTE: '1' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  const search = (token: string | undefined, query: string) => app.http.get(`/api/users?${query}`, token === undefined ? {} : { token });

  it('when searching a prefix, then pages of at most limit live users come in lowercased-username order, without the caller or deleted accounts', async () => {
    const found = await users(app, 7, 'FrPage');
    const me = await app.signedUpUser('frpageme'); // matches the prefix: never in its own results
    const gone = found[6]!;
    await User.update({ deletedAt: new Date() }, { where: { userId: gone.userId } });
    const expected = found
      .slice(0, 6)
      .map((u) => u.username)
      .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await search(me.token, `search=frpage&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(4);
      for (const item of res.body.items) expect(Object.keys(item).sort()).toEqual(['firstName', 'lastName', 'userId', 'username']);
      seen.push(...res.body.items.map((i: { username: string }) => i.username));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(expected);

    const all = await search(me.token, 'search=FRPAGE');
    expect(all.body.items).toHaveLength(6); // default limit 10, case-insensitive
    expect(all.body.nextCursor).toBeNull();
    expect((await search(me.token, 'search=fr%25page')).body.items).toEqual([]); // % is literal
  });

  it('when the input is bad or the caller is not signed in, then 400 or 401', async () => {
    const me = await app.signedUpUser('frbad');
    for (const query of ['search=a', 'search=', '', 'search=ab&limit=11', 'search=ab&limit=0', 'search=ab&cursor=nope']) {
      const res = await search(me.token, query);
      expect({ query, status: res.status, code: res.body.error?.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    const anonymous = await search(undefined, 'search=frbad');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    expect((await search('not-a-token', 'search=frbad')).status).toBe(401);
  });

  it('when one user searches past the limit, then 429 with Retry-After, and another user is not affected', async () => {
    const [a, b] = await users(app, 2, 'frlim');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await search(a!.token, 'search=frlim')).status);
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    const limited = await search(a!.token, 'search=frlim');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await search(b!.token, 'search=frlim')).status).toBe(200);
  });

  it('when inviting by username, then the user is invited; an unknown or deleted username → 404; both or neither → 400', async () => {
    const [leader, friend, gone] = await users(app, 3, 'frinv');
    const group = await createGroup(app, leader!, { visibility: 'private' });
    const invite = (body: Record<string, unknown>) => app.http.post(`/api/groups/${group.id}/invitations`, { token: leader!.token, body });
    const ok = await invite({ username: friend!.username });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ groupId: group.id, invitedUserId: friend!.userId, status: 'pending' });
    expect((await app.http.get('/api/invitations', { token: friend!.token })).body.map((i: { id: number }) => i.id)).toEqual([ok.body.id]);

    const unknown = await invite({ username: 'nobody_by_that_name' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    await User.update({ deletedAt: new Date() }, { where: { userId: gone!.userId } });
    expect((await invite({ username: gone!.username })).status).toBe(404);
    expect((await invite({ username: friend!.username.toUpperCase() })).status).toBe(404); // exact username
    expect((await invite({ username: friend!.username, invitedUserId: friend!.userId })).status).toBe(400);
    expect((await invite({})).status).toBe(400);
    const stranger = await app.signedUpUser('frstr');
    expect((await app.http.post(`/api/groups/${group.id}/invitations`, { token: stranger.token, body: { username: friend!.username } })).status).toBe(404);
  });
});
