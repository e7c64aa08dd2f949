/**
 * The room's people: who is studying (live ticking timers), who is online, and the rest.
 * State comes from the `room:join` ack, then `presence:update` / `timer:started` /
 * `timer:stopped`; elapsed time is computed client-side from `startedAt` every second.
 *
 * While the connection is not live, presence and peers' clocks are last-known values:
 * the list is marked stale (hollow dots, frozen clocks, a note) until the next
 * `room:join` ack brings the room's real state back.
 */
import { api, errorText } from '../api';
import { announce, avatar, clear, formatDuration, formatTotal, h, plural, toast } from '../dom';
import { emit, listen, onMyTimer, session, setMyTimer } from '../session';
import { elapsedSeconds } from '../time';
import { goalRing } from '../goals';
import type { RoomState, Timer } from '../types';
import { showsRole } from '../../../src/shared/policy';

interface Person {
  userId: string;
  username: string;
  role?: string;
  online: boolean;
  timer: Timer | null;
}

export interface RoomPanel {
  members: HTMLElement;
  myTimer: HTMLElement;
  applyState(state: RoomState): void;
  /** Presence and peers' clocks are last-known (connection down): show them as such. */
  setStale(stale: boolean): void;
  refreshMembers(): Promise<void>;
  refreshStats(): void;
  nameOf(userId: string): string | undefined;
  destroy(): void;
}

/** Up to this many members are all listed; beyond, offline ones fold behind a button. */
const SHOW_ALL_UP_TO = 6;

export function roomPanel(groupId: number): RoomPanel {
  const people = new Map<string, Person>();
  const disposers: (() => void)[] = [];
  let stale = false;
  let showOffline = false;
  const list = h('ul', { class: 'member-list', testid: 'member-list', 'aria-labelledby': `members-title-${groupId}` });
  const count = h('span', { class: 'muted small', testid: 'online-count' });
  const staleNote = h(
    'p',
    { class: 'stale-note small', testid: 'presence-stale', hidden: true },
    'Not live — who is online and their timers are as last seen.',
  );
  const more = h('button', { class: 'btn link small more-members', type: 'button', testid: 'toggle-offline', hidden: true });
  more.addEventListener('click', () => {
    showOffline = !showOffline;
    render();
  });
  const members = h(
    'section',
    { class: 'card members', testid: 'members', 'data-stale': 'false' },
    h('div', { class: 'row between' }, h('h2', { class: 'card-title', id: `members-title-${groupId}` }, 'Who is here'), count),
    staleNote,
    list,
    more,
  );

  const row = (p: Person): HTMLElement => {
    const me = p.userId === session.me?.userId;
    // My own timer is known here even while disconnected (it runs on the server clock); others' are last seen.
    const lastSeen = stale && !me;
    const status = p.timer ? (p.timer.groupId === groupId ? 'studying here' : 'studying elsewhere') : p.online ? 'online' : 'offline';
    return h(
      'li',
      {
        class: `member ${p.online ? 'online' : 'offline'} ${p.timer ? 'studying' : ''} ${me ? 'self' : ''}`,
        testid: `member-${p.userId}`,
        'data-online': String(p.online),
      },
      avatar(p.userId, p.username, p.online),
      h(
        'div',
        { class: 'member-main' },
        h('span', { class: 'member-name' }, p.username, me ? h('span', { class: 'muted small' }, ' (you)') : null),
        h('span', { class: 'muted small member-status' }, lastSeen ? `${status} (last seen)` : status, showsRole(p.role) ? ` · ${p.role}` : ''),
      ),
      p.timer
        ? h(
            'span',
            {
              class: 'elapsed',
              testid: 'member-elapsed',
              'data-started-at': p.timer.startedAt,
              'data-self': me ? 'true' : null,
              'aria-label': `${lastSeen ? 'last seen studying for' : 'studying for'} ${formatDuration(elapsedSeconds(p.timer.startedAt))}`,
            },
            formatDuration(elapsedSeconds(p.timer.startedAt)),
          )
        : null,
    );
  };

  const render = (): void => {
    const sorted = [...people.values()].sort(
      (a, b) => Number(!!b.timer) - Number(!!a.timer) || Number(b.online) - Number(a.online) || a.username.localeCompare(b.username),
    );
    const offline = sorted.filter((p) => !p.online && !p.timer);
    const fold = sorted.length > SHOW_ALL_UP_TO && offline.length > 0 && !showOffline;
    const shown = fold ? sorted.filter((p) => p.online || p.timer) : sorted;
    clear(list, shown.map(row));
    more.hidden = sorted.length <= SHOW_ALL_UP_TO || offline.length === 0;
    more.textContent = showOffline ? 'Hide offline members' : `Show ${plural(offline.length, 'offline member')}`;
    more.setAttribute('aria-expanded', String(showOffline));
    const online = sorted.filter((p) => p.online).length;
    const studying = sorted.filter((p) => p.timer).length;
    count.textContent = `${online} online · ${studying} studying`;
  };
  const tick = (): void => {
    // Peers' clocks stop while stale (their timers may have stopped without us hearing it); mine goes on.
    for (const el of list.querySelectorAll<HTMLElement>(stale ? '[data-started-at][data-self]' : '[data-started-at]')) {
      const text = formatDuration(elapsedSeconds(el.dataset.startedAt ?? ''));
      el.textContent = text;
      el.setAttribute('aria-label', `studying for ${text}`);
    }
    renderMyTimer();
  };
  const timer = setInterval(tick, 1000);
  disposers.push(() => clearInterval(timer));

  const upsert = (userId: string, patch: Partial<Person>): void => {
    const p = people.get(userId) ?? { userId, username: patch.username ?? userId, online: false, timer: null };
    people.set(userId, { ...p, ...patch });
    render();
  };

  // --- my timer + today's total ---
  let todaySeconds = 0;
  let goalMinutes = 0;
  const ring = goalRing();
  let busy = false;
  const clock = h('div', { class: 'big-clock', testid: 'my-elapsed', role: 'timer', 'aria-label': 'My session time' }, '00:00:00');
  const today = h('div', { class: 'muted small', testid: 'today-total' }, 'Today: —');
  const note = h('input', {
    placeholder: 'What are you working on?',
    maxlength: 500,
    testid: 'timer-notes',
    'aria-label': 'What are you working on? (optional, saved with the session)',
  });
  const button = h('button', { class: 'btn primary big', type: 'button', testid: 'timer-toggle' }, 'Start studying');
  const where = h('div', { class: 'muted small', testid: 'timer-where' });
  const myTimer = h(
    'section',
    { class: 'card my-timer', testid: 'my-timer', 'aria-labelledby': `my-timer-title-${groupId}` },
    h('div', { class: 'timer-head' }, h('h2', { class: 'card-title', id: `my-timer-title-${groupId}` }, 'My session'), today, ring.el),
    h('div', { class: 'timer-body' }, clock, button),
    where,
    note,
  );
  const renderMyTimer = (): void => {
    const t = session.myTimer;
    const running = t ? elapsedSeconds(t.startedAt) : 0;
    clock.textContent = formatDuration(running);
    myTimer.classList.toggle('running', !!t);
    button.textContent = t ? 'Stop' : 'Start studying';
    button.className = `btn big ${t ? 'danger' : 'primary'}`;
    button.dataset.running = String(!!t);
    button.disabled = busy;
    note.hidden = !t;
    where.textContent = t && t.groupId !== groupId ? (t.groupId ? 'Running in another group' : 'Running without a group') : '';
    today.textContent = `Today: ${formatTotal(todaySeconds + running)}`;
    ring.update(todaySeconds + running, goalMinutes);
  };
  const refreshStats = (): void => {
    api('GET /api/me/stats', { query: { days: 7 } })
      .then((s) => {
        todaySeconds = s.todaySeconds;
        goalMinutes = s.dailyGoalMinutes;
        renderMyTimer();
      })
      .catch(() => undefined);
  };
  button.addEventListener('click', async () => {
    busy = true;
    renderMyTimer();
    try {
      if (session.myTimer) {
        const notes = note.value.trim();
        const r = await emit('timer:stop', notes ? { notes } : {});
        setMyTimer(null);
        note.value = '';
        if (session.me) upsert(session.me.userId, { timer: null });
        if (r.discarded) toast('Session too short — not counted.');
        else if (r.session) {
          toast(`Session saved: ${formatTotal(r.session.durationSeconds)}`);
          todaySeconds += r.session.durationSeconds;
        }
        setTimeout(refreshStats, 1500);
      } else {
        const r = await emit('timer:start', { groupId });
        setMyTimer(r.timer);
        if (session.me) upsert(session.me.userId, { timer: r.timer, online: true });
        announce('Your timer started.');
      }
    } catch (e) {
      toast(errorText(e), 'error');
      api('GET /api/timer')
        .then((r) => setMyTimer(r.timer))
        .catch(() => undefined);
    } finally {
      busy = false;
      renderMyTimer();
    }
  });
  disposers.push(onMyTimer(renderMyTimer));

  const mine = (p: { groupId: number }): boolean => p.groupId === groupId;
  const isMe = (userId: string): boolean => userId === session.me?.userId;
  disposers.push(
    listen('presence:update', (p) => mine(p) && upsert(p.userId, { online: p.online })),
    listen('timer:started', (p) => {
      if (!mine(p)) return;
      upsert(p.userId, { timer: { startedAt: p.startedAt, groupId: p.groupId }, online: people.get(p.userId)?.online ?? true });
      if (!isMe(p.userId)) announce(`${people.get(p.userId)?.username ?? 'Someone'} started studying.`);
    }),
    listen('timer:stopped', (p) => {
      if (!mine(p)) return;
      upsert(p.userId, { timer: null });
      if (!isMe(p.userId)) announce(`${people.get(p.userId)?.username ?? 'Someone'} stopped studying after ${formatTotal(p.durationSeconds)}.`);
    }),
    listen('goal:met', () => {
      toast('Daily goal met — well done!');
      refreshStats();
    }),
  );

  const refreshMembers = async (): Promise<void> => {
    try {
      const ms = await api('GET /api/groups/:id/members', { params: { id: groupId } });
      const ids = new Set(ms.map((m) => m.userId));
      for (const id of [...people.keys()]) if (!ids.has(id)) people.delete(id);
      for (const m of ms) {
        const p = people.get(m.userId);
        people.set(m.userId, { userId: m.userId, username: m.username, role: m.role, online: p?.online ?? m.isConnected, timer: p?.timer ?? null });
      }
      render();
    } catch (e) {
      if (people.size === 0) clear(list, h('li', { class: 'form-error' }, errorText(e)));
    }
  };

  const setStale = (value: boolean): void => {
    if (stale === value) return;
    stale = value;
    members.dataset.stale = String(value);
    members.classList.toggle('stale', value);
    staleNote.hidden = !value;
    render();
  };

  renderMyTimer();
  refreshStats();
  return {
    members,
    myTimer,
    applyState: (state) => {
      // The room's state is the truth: everyone in it, fresh presence and timers.
      const inRoom = new Set(state.members.map((m) => m.userId));
      for (const id of [...people.keys()]) if (!inRoom.has(id)) people.delete(id);
      for (const m of state.members) {
        const old = people.get(m.userId);
        people.set(m.userId, { userId: m.userId, username: m.username, role: old?.role, online: m.online, timer: m.timer });
      }
      stale = true; // setStale re-renders
      setStale(false);
    },
    setStale,
    refreshMembers,
    refreshStats,
    nameOf: (userId) => people.get(userId)?.username,
    destroy: () => {
      for (const d of disposers) d();
    },
  };
}
