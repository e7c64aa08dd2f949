import { contentProblem, excerpt, extractMentions } from '../../src/components/chat/chat.rules';
import { presenceIntervals, usersGoneOffline } from '../../src/components/presence/presence.rules';
import { parseStoredTimer, sessionFromTimer, storedTimer } from '../../src/components/timers/timer.rules';
import { can, type Role } from '../../src/shared/policy';

// Who may edit and delete messages is the permission policy's table (src/shared/policy.ts), read here as the helpers it replaced.
const member = (role: Role) => ({ role, groupType: 'community' as const, visibility: 'private' as const });
const canEdit = (authorId: string, userId: string) => can('chat.edit', member('member'), { own: authorId === userId });
const canDelete = (authorId: string, userId: string, role: Role) => can('chat.delete', member(role), { own: authorId === userId });

describe('timer rules', () => {
  const timer = storedTimer({ startedAt: '2026-01-01T10:00:00.000Z', groupId: 3, sessionUuid: 'u-1' });

  it('when stopped, then the duration is the whole seconds elapsed and the session starts at startedAt', () => {
    const { session, discarded } = sessionFromTimer(timer, new Date('2026-01-01T10:25:00.999Z'), { minSeconds: 1, notes: 'n' });
    expect(discarded).toBe(false);
    expect(session).toEqual({
      id: null,
      sessionUuid: 'u-1',
      groupId: 3,
      durationSeconds: 1500,
      sessionDate: timer.startedAt,
      startedAt: timer.startedAt,
      endedAt: '2026-01-01T10:25:00.999Z',
      sessionNotes: 'n',
      rawSeconds: 1500,
      pausedSeconds: 0,
      mode: 'stopwatch',
      subject: null,
      endReason: 'stopped',
    });
  });

  it('when shorter than the minimum (or the clock went back), then the session is discarded', () => {
    expect(sessionFromTimer(timer, new Date('2026-01-01T10:00:00.900Z'), { minSeconds: 1 }).discarded).toBe(true);
    expect(sessionFromTimer(timer, new Date('2026-01-01T10:00:09Z'), { minSeconds: 10 }).discarded).toBe(true);
    expect(sessionFromTimer(timer, new Date('2026-01-01T09:00:00Z'), { minSeconds: 0 })).toMatchObject({
      discarded: true,
      session: { durationSeconds: 0, endedAt: timer.startedAt },
    });
  });

  it('when capped, then the duration and the end stop at the cap', () => {
    const { session } = sessionFromTimer(timer, new Date('2026-01-02T10:00:00Z'), { minSeconds: 1, capSeconds: 12 * 3600 });
    expect(session).toMatchObject({ durationSeconds: 43_200, rawSeconds: 43_200, endedAt: '2026-01-01T22:00:00.000Z', endReason: 'max_hours' });
  });

  it('when the stored value is unreadable, then there is no timer', () => {
    expect(parseStoredTimer('nope')).toBeNull();
    expect(parseStoredTimer('{"startedAt":"x","sessionUuid":"a"}')).toBeNull();
    expect(parseStoredTimer(JSON.stringify(timer))).toEqual(timer);
    // A timer stored by the previous release reads as a running stopwatch.
    expect(parseStoredTimer('{"startedAt":"2026-01-01T10:00:00.000Z","groupId":3,"sessionUuid":"u-1"}')).toEqual(timer);
  });
});

describe('presence rules', () => {
  it('when entries expire, then only users with no live entry left go offline', () => {
    expect(usersGoneOffline(['s1|ana', 's2|ben', 's3|ben'], ['s4|ana'])).toEqual(['ben']);
    expect(usersGoneOffline([], ['s1|ana'])).toEqual([]);
  });
  it('when the TTL is short, then heartbeats still come three times per TTL', () => {
    expect(presenceIntervals(3)).toEqual({ heartbeatMs: 1000, sweepMs: 1000 });
    expect(presenceIntervals(60).heartbeatMs).toBe(20_000);
  });
});

describe('chat rules', () => {
  it('when content is checked, then empty, too long and non-http image contents are refused', () => {
    expect(contentProblem('text', '')).toMatch(/empty/);
    expect(contentProblem('text', 'x'.repeat(4001))).toMatch(/4000/);
    expect(contentProblem('text', 'x'.repeat(4000))).toBeNull();
    expect(contentProblem('image', 'ftp://x/y.png')).toMatch(/URL/);
    expect(contentProblem('image', 'https://cdn.example/y.png')).toBeNull();
  });
  it('when a message mentions users, then distinct usernames are found but not e-mail addresses', () => {
    expect(extractMentions('hi @ana and @ben_2, @ana again; mail me at x@example.com. @bo.')).toEqual(['ana', 'ben_2']);
  });
  it('when permissions are checked, then only the author edits and author, leader or admin delete', () => {
    expect(canEdit('a', 'a')).toBe(true);
    expect(canEdit('a', 'b')).toBe(false);
    expect(canDelete('a', 'b', 'member')).toBe(false);
    expect(canDelete('a', 'b', 'admin')).toBe(true);
    expect(canDelete('a', 'b', 'leader')).toBe(true);
    expect(canDelete('a', 'a', 'member')).toBe(true);
  });
  it('when a reply quote is made, then whitespace is folded and long text is cut at a word to at most 120 characters with …', () => {
    expect(excerpt('  short\n\n text ')).toBe('short text');
    expect(excerpt('x'.repeat(120))).toBe('x'.repeat(120));
    const words = 'integration by parts '.repeat(10);
    const cut = excerpt(words);
    expect(Array.from(cut).length).toBeLessThanOrEqual(120);
    expect(cut).toMatch(/^integration by parts .* (integration|by|parts)…$/);
    expect(excerpt('y'.repeat(300))).toBe(`${'y'.repeat(119)}…`);
    // Code points, not UTF-16 units: an emoji is never split in half.
    const emoji = excerpt('😀'.repeat(200));
    expect(Array.from(emoji)).toHaveLength(120);
    expect(emoji.endsWith('😀…')).toBe(true);
  });
});
