import { isFull } from '../../src/components/groups/membership.rules';
import { nextProgress, NOT_STARTED, type ProgressState } from '../../src/components/resources/progress.rules';
import { breaksLastLeader, can, type GroupType, type Role } from '../../src/shared/policy';

// Who may add, manage and remove is the permission policy's table (src/shared/policy.ts), read here as the helpers it replaced.
const inGroup = (role: Role, groupType: GroupType) => ({ role, groupType, visibility: 'private' as const });
const canAddResource = (role: Role, groupType: GroupType) => can('resource.add', inGroup(role, groupType));
const canManageResource = (role: Role, groupType: GroupType, isUploader: boolean) =>
  can('resource.edit', inGroup(role, groupType), { own: isUploader }) && can('resource.delete', inGroup(role, groupType), { own: isUploader });
const canRemoveMember = (callerRole: Role, targetRole: Role) => can('member.remove', inGroup(callerRole, 'community'), { targetRole });

const now = new Date('2025-01-02T03:04:05Z');
const earlier = new Date('2025-01-01T00:00:00Z');
const state = (s: Partial<ProgressState>): ProgressState => ({ ...NOT_STARTED, ...s });
const ok = (r: ReturnType<typeof nextProgress>) => {
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.state;
};

describe('nextProgress', () => {
  it.each([
    [0, 'not_started'],
    [1, 'in_progress'],
    [99, 'in_progress'],
    [100, 'completed'],
  ] as const)('when only %p %% is given from scratch, then the status is %s', (pct, status) => {
    expect(ok(nextProgress(null, { progressPercentage: pct }, now))).toMatchObject({ status, progressPercentage: pct });
  });

  it('when leaving not_started, then startedAt is set once and kept afterwards', () => {
    const a = ok(nextProgress(null, { progressPercentage: 10 }, earlier));
    expect(a.startedAt).toEqual(earlier);
    const b = ok(nextProgress(a, { progressPercentage: 50 }, now));
    expect(b.startedAt).toEqual(earlier);
    const c = ok(nextProgress(b, { status: 'not_started' }, now));
    expect(c).toMatchObject({ status: 'not_started', progressPercentage: 0, startedAt: earlier });
  });

  it('when completed, then 100 % and completedAt is set; staying completed keeps completedAt; reopening clears it', () => {
    const a = ok(nextProgress(null, { status: 'completed' }, earlier));
    expect(a).toMatchObject({ status: 'completed', progressPercentage: 100, completedAt: earlier, startedAt: earlier });
    expect(ok(nextProgress(a, { progressPercentage: 100 }, now)).completedAt).toEqual(earlier);
    expect(ok(nextProgress(a, { progressPercentage: 40 }, now))).toMatchObject({ status: 'in_progress', completedAt: null });
  });

  it('when 0 % is given after starting, then the started status stays', () => {
    const paused = state({ status: 'paused', progressPercentage: 30, startedAt: earlier });
    expect(ok(nextProgress(paused, { progressPercentage: 0 }, now))).toMatchObject({ status: 'paused', progressPercentage: 0 });
  });

  it('when only in_progress or paused is given, then the percentage is kept', () => {
    const cur = state({ status: 'in_progress', progressPercentage: 30, startedAt: earlier });
    expect(ok(nextProgress(cur, { status: 'paused' }, now))).toMatchObject({ status: 'paused', progressPercentage: 30 });
  });

  it.each([
    [{ status: 'completed', progressPercentage: 50 }, 'body.progressPercentage'],
    [{ status: 'in_progress', progressPercentage: 100 }, 'body.status'],
    [{ status: 'not_started', progressPercentage: 20 }, 'body.progressPercentage'],
    [{ progressPercentage: 101 }, 'body.progressPercentage'],
    [{ progressPercentage: 2.5 }, 'body.progressPercentage'],
  ] as const)('when %p is contradictory or out of range, then it is refused naming %s', (change, field) => {
    const r = nextProgress(null, change, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.field).toBe(field);
  });

  it('when a completed resource is set in_progress without a percentage, then it is refused', () => {
    const done = state({ status: 'completed', progressPercentage: 100, startedAt: earlier, completedAt: earlier });
    expect(nextProgress(done, { status: 'in_progress' }, now).ok).toBe(false);
  });
});

describe('permission rules', () => {
  it('when the group is leader_controlled, then only leaders add or manage resources', () => {
    expect(canAddResource('leader', 'leader_controlled')).toBe(true);
    expect(canAddResource('admin', 'leader_controlled')).toBe(false);
    expect(canManageResource('admin', 'leader_controlled', true)).toBe(false);
  });
  it('when the group is community, then members add and uploaders, admins and leaders manage', () => {
    expect(canAddResource('member', 'community')).toBe(true);
    expect(canManageResource('member', 'community', true)).toBe(true);
    expect(canManageResource('member', 'community', false)).toBe(false);
    expect(canManageResource('admin', 'community', false)).toBe(true);
  });
  it('when the last leader would go, then it breaks the rule unless they are the last member leaving', () => {
    expect(breaksLastLeader({ targetRole: 'leader', change: 'leave', leaderCount: 1, memberCount: 2 })).toBe(true);
    expect(breaksLastLeader({ targetRole: 'leader', change: 'leave', leaderCount: 1, memberCount: 1 })).toBe(false);
    expect(breaksLastLeader({ targetRole: 'leader', change: 'demote', leaderCount: 2 })).toBe(false);
    expect(breaksLastLeader({ targetRole: 'member', change: 'remove', leaderCount: 1 })).toBe(false);
  });
  it('when an admin removes, then only plain members', () => {
    expect(canRemoveMember('admin', 'member')).toBe(true);
    expect(canRemoveMember('admin', 'admin')).toBe(false);
    expect(canRemoveMember('member', 'member')).toBe(false);
    expect(isFull(10, 10)).toBe(true);
    expect(isFull(9, 10)).toBe(false);
    expect(isFull(1000, null)).toBe(false);
  });
});
