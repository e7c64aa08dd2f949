import { successorLeader } from '../../src/shared/policy';
import { baseUsername, candidateUsername, isReservedUsername, sanitizeUsername, usernameProblem } from '../../src/components/users/username.rules';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));

describe('successorLeader (a deleted sole leader)', () => {
  it('when admins remain, then the longest-standing admin leads, even if a member joined earlier', () => {
    expect(
      successorLeader([
        { userId: 'm1', role: 'member', joinedAt: at(1) },
        { userId: 'a2', role: 'admin', joinedAt: at(5) },
        { userId: 'a1', role: 'admin', joinedAt: at(3) },
      ]),
    ).toBe('a1');
  });

  it('when only members remain, then the longest-standing member leads (ties by user id)', () => {
    expect(
      successorLeader([
        { userId: 'm2', role: 'member', joinedAt: at(2) },
        { userId: 'm1', role: 'member', joinedAt: at(2) },
      ]),
    ).toBe('m1');
  });

  it('when another leader remains or nobody does, then nobody is promoted', () => {
    expect(
      successorLeader([
        { userId: 'l', role: 'leader', joinedAt: at(9) },
        { userId: 'a', role: 'admin', joinedAt: at(1) },
      ]),
    ).toBeNull();
    expect(successorLeader([])).toBeNull();
  });
});

describe('username rules', () => {
  it('when a name is a system name or in the erased namespace (any case), then it is reserved', () => {
    for (const name of ['admin', 'ROOT', 'System', 'studysync', 'deleted_user_1', 'Deleted_x']) expect(isReservedUsername(name)).toBe(true);
    for (const name of ['ana', 'admin_ana', 'deleted', 'undeleted_x']) expect(isReservedUsername(name)).toBe(name === 'deleted');
    expect(usernameProblem('support')).toBe('is reserved');
    expect(usernameProblem('ab')).toMatch(/3-64/);
    expect(usernameProblem('a b c')).toMatch(/letters/);
    expect(usernameProblem('ana.k-9')).toBeUndefined();
  });

  it('when a claim is not a valid name, then a valid one is derived from it, or from the e-mail, or `user`', () => {
    expect(sanitizeUsername('Zoë Ångström')).toBe('Zoe_Angstrom');
    expect(sanitizeUsername('admin')).toBeUndefined();
    expect(baseUsername('admin', 'ada.l@example.com')).toBe('ada.l');
    expect(baseUsername('!!', 'x@example.com')).toBe('user');
    expect(baseUsername('x'.repeat(100), undefined)).toHaveLength(60);
  });

  it('when a name is taken, then candidates get a suffix and never exceed 64 characters', () => {
    expect([1, 2, 10].map((n) => candidateUsername('ana', n))).toEqual(['ana', 'ana_2', 'ana_10']);
    expect(candidateUsername('y'.repeat(64), 123)).toHaveLength(64);
  });
});
