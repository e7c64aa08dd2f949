import {
  GROUP_ROLES,
  GROUP_TYPES,
  VISIBILITIES,
  type GroupRole,
  type GroupType as ModelGroupType,
  type Visibility as ModelVisibility,
} from '../../src/db/models/enums';
import {
  ACTIONS,
  type Action,
  breaksLastLeader,
  can,
  decide,
  type GroupType,
  isLeader,
  POLICY,
  ROLES,
  type Role,
  rowOf,
  showsRole,
  successorLeader,
  type Visibility,
} from '../../src/shared/policy';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The policy's own unions are the data model's (a compile error here means they drifted apart).
const rolesAgree: Same<Role, GroupRole> = true;
const typesAgree: Same<GroupType, ModelGroupType> = true;
const visibilitiesAgree: Same<Visibility, ModelVisibility> = true;

type Who = Role | 'stranger';
const WHO: Who[] = ['leader', 'admin', 'member', 'stranger'];
const at = (who: Who, groupType: GroupType = 'community', visibility: Visibility = 'public') => ({
  role: who === 'stranger' ? null : who,
  groupType,
  visibility,
});
/** Who may, by the product's rules (docs/API.md), written out independently of the table. */
const allowed = (action: Action, groupType: GroupType, subject: { own?: boolean; targetRole?: Role | null } = {}): Who[] =>
  WHO.filter((who) => can(action, at(who, groupType), subject));

describe('the permission policy table', () => {
  it('when the model and the policy list roles, group types and visibilities, then they hold the same values', () => {
    expect([rolesAgree, typesAgree, visibilitiesAgree]).toEqual([true, true, true]);
    expect([...ROLES].sort()).toEqual([...GROUP_ROLES].sort());
    expect([...GROUP_TYPES].sort()).toEqual(['community', 'leader_controlled']);
    expect([...VISIBILITIES].sort()).toEqual(['private', 'public']);
  });

  it('when any action is read for any group type, then every standing has a cell and members get a refusal message', () => {
    for (const action of ACTIONS) {
      for (const type of GROUP_TYPES) {
        const row = rowOf(action, type);
        for (const role of ROLES) expect(['yes', 'no', 'own', 'plain']).toContain(row[role]);
        expect(['yes', 'no']).toContain(row.stranger);
        expect(row.refusal.length).toBeGreaterThan(0);
      }
    }
    expect(ACTIONS).toEqual(Object.keys(POLICY));
  });

  it('when a stranger acts on a private group, then every action is NOT_FOUND, the answer a missing group gets', () => {
    for (const action of ACTIONS) {
      for (const type of GROUP_TYPES) {
        expect(decide(action, at('stranger', type, 'private'), { own: true, targetRole: null })).toEqual({
          allowed: false,
          error: 'NOT_FOUND',
          message: 'Group not found',
        });
      }
    }
  });

  it('when a stranger acts on a public group, then they may view it, join it and open its uploaded content, and nothing else (FORBIDDEN)', () => {
    const open = ACTIONS.filter((action) => can(action, at('stranger')));
    expect(open.sort()).toEqual(['group.join', 'group.view', 'resource.content']);
    expect(decide('chat.send', at('stranger'))).toEqual({ allowed: false, error: 'FORBIDDEN', message: 'Only members of this group can do that' });
  });

  it('when members act, then visibility changes nothing: a private group is the same to its members as a public one', () => {
    for (const action of ACTIONS) {
      for (const type of GROUP_TYPES) {
        for (const role of ROLES) {
          for (const own of [true, false]) {
            expect(decide(action, at(role, type, 'private'), { own, targetRole: 'member' })).toEqual(
              decide(action, at(role, type, 'public'), { own, targetRole: 'member' }),
            );
          }
        }
      }
    }
  });

  it('when the group is managed, then leaders delete it and rotate codes with admins; only leaders change roles', () => {
    expect(allowed('group.edit', 'leader_controlled')).toEqual(['leader', 'admin']);
    expect(allowed('group.delete', 'community')).toEqual(['leader']);
    expect(allowed('group.inviteCode', 'community')).toEqual(['leader', 'admin']);
    expect(allowed('member.changeRole', 'community')).toEqual(['leader']);
    expect(allowed('group.leave', 'leader_controlled')).toEqual(['leader', 'admin', 'member']);
  });

  it('when members are invited, then leaders and admins may, and any member of a community group', () => {
    expect(allowed('member.invite', 'leader_controlled')).toEqual(['leader', 'admin']);
    expect(allowed('member.invite', 'community')).toEqual(['leader', 'admin', 'member']);
  });

  it('when a member is removed, then leaders remove anyone and admins plain members only', () => {
    expect(allowed('member.remove', 'community', { targetRole: 'member' })).toEqual(['leader', 'admin']);
    expect(allowed('member.remove', 'community', { targetRole: 'admin' })).toEqual(['leader']);
    expect(allowed('member.remove', 'community', { targetRole: 'leader' })).toEqual(['leader']);
    expect(decide('member.remove', at('admin'), { targetRole: 'admin' })).toEqual({
      allowed: false,
      error: 'FORBIDDEN',
      message: 'Admins may remove plain members only',
    });
    // No such member: nothing to protect (the use-case answers NOT_FOUND); a plain member is still refused first.
    expect(allowed('member.remove', 'community', { targetRole: null })).toEqual(['leader', 'admin']);
  });

  it('when resources are added or uploaded, then leaders do in leader_controlled groups and every member in community groups', () => {
    for (const action of ['resource.add', 'resource.upload'] as const) {
      expect(allowed(action, 'leader_controlled')).toEqual(['leader']);
      expect(allowed(action, 'community')).toEqual(['leader', 'admin', 'member']);
    }
  });

  it('when resources are edited or deleted, then leaders only in leader_controlled groups; leaders, admins and the uploader in community groups', () => {
    for (const action of ['resource.edit', 'resource.delete'] as const) {
      expect(allowed(action, 'leader_controlled', { own: true })).toEqual(['leader']);
      expect(allowed(action, 'community', { own: true })).toEqual(['leader', 'admin', 'member']);
      expect(allowed(action, 'community', { own: false })).toEqual(['leader', 'admin']);
    }
  });

  it('when members read and write what every member shares, then every role may and strangers may not', () => {
    const shared: Action[] = [
      'members.view',
      'resources.view',
      'progress.record',
      'progress.view',
      'chat.read',
      'chat.send',
      'leaderboard.view',
      'presence.view',
      'timer.start',
    ];
    for (const action of shared) for (const type of GROUP_TYPES) expect(allowed(action, type)).toEqual(['leader', 'admin', 'member']);
  });

  it('when messages are edited or deleted, then only the author edits, and the author, leaders and admins delete', () => {
    expect(allowed('chat.edit', 'community', { own: true })).toEqual(['leader', 'admin', 'member']);
    expect(allowed('chat.edit', 'community', { own: false })).toEqual([]);
    expect(allowed('chat.delete', 'leader_controlled', { own: false })).toEqual(['leader', 'admin']);
    expect(allowed('chat.delete', 'leader_controlled', { own: true })).toEqual(['leader', 'admin', 'member']);
  });

  it('when a cell depends on its subject and the caller does not say, then it is refused', () => {
    expect(can('chat.edit', at('member'))).toBe(false);
    expect(can('resource.edit', at('member'))).toBe(false);
    expect(can('member.remove', at('admin'))).toBe(false);
  });
});

describe('membership invariants of the policy', () => {
  it('when the last leader would go, then leaving breaks the rule unless they are the last member, and removing or demoting always does', () => {
    expect(breaksLastLeader({ change: 'leave', targetRole: 'leader', leaderCount: 1, memberCount: 3 })).toBe(true);
    expect(breaksLastLeader({ change: 'leave', targetRole: 'leader', leaderCount: 1, memberCount: 1 })).toBe(false);
    expect(breaksLastLeader({ change: 'demote', targetRole: 'leader', leaderCount: 1 })).toBe(true);
    expect(breaksLastLeader({ change: 'remove', targetRole: 'leader', leaderCount: 1 })).toBe(true);
    expect(breaksLastLeader({ change: 'demote', targetRole: 'leader', leaderCount: 2 })).toBe(false);
    expect(breaksLastLeader({ change: 'remove', targetRole: 'admin', leaderCount: 1 })).toBe(false);
  });

  it('when roles are shown or counted, then leaders and admins carry their role and only leaders count as leaders', () => {
    expect(ROLES.map(showsRole)).toEqual([true, true, false]);
    expect(showsRole(undefined)).toBe(false);
    expect(ROLES.map(isLeader)).toEqual([true, false, false]);
    expect(successorLeader([{ userId: 'a', role: 'leader', joinedAt: new Date(0) }])).toBeNull();
  });
});
