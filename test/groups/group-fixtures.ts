import type { TestApp } from '../helpers/test-app';

export type U = Awaited<ReturnType<TestApp['signedUpUser']>>;

/** Creates a group as `leader` and returns its DTO (throws on failure). */
export async function createGroup(app: TestApp, leader: U, body: Record<string, unknown> = {}): Promise<any> {
  const res = await app.http.post('/api/groups', {
    token: leader.token,
    body: { groupName: `g-${Math.random().toString(36).slice(2, 8)}`, groupType: 'community', visibility: 'public', ...body },
  });
  if (res.status !== 201) throw new Error(`create group: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Makes `user` a member of the group (public join or via invite code), optionally with a role. */
export async function addMember(app: TestApp, group: any, leader: U, user: U, role?: 'admin' | 'leader'): Promise<void> {
  const code = (await app.http.get(`/api/groups/${group.id}`, { token: leader.token })).body.inviteCode;
  const res = await app.http.post('/api/groups/join', { token: user.token, body: { inviteCode: code } });
  if (res.status !== 200) throw new Error(`join: ${res.status} ${JSON.stringify(res.body)}`);
  if (role) {
    const r = await app.http.patch(`/api/groups/${group.id}/members/${user.userId}`, { token: leader.token, body: { role } });
    if (r.status !== 200) throw new Error(`role: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

export const users = (app: TestApp, n: number, prefix: string): Promise<U[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => app.signedUpUser(`${prefix}${i}`)));
