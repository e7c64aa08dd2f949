/**
 * The room's people: members with online dots and live ticking timers. State comes from
 * the `room:join` ack, then `presence:update` / `timer:started` / `timer:stopped`; elapsed
 * time is computed client-side from `startedAt` every second.
 */
import { api, errorText } from '../api';
import { avatar, clear, formatDuration, formatTotal, h, toast } from '../dom';
import { emit, listen, onMyTimer, session, setMyTimer } from '../session';
import { elapsedSeconds } from '../time';
import type { Member, RoomState, Session, Stats, Timer } from '../types';

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
  refreshMembers(): Promise<void>;
  refreshStats(): void;
  nameOf(userId: string): string | undefined;
  destroy(): void;
}

export function roomPanel(groupId: number): RoomPanel {
  const people = new Map<string, Person>();
  const disposers: (() => void)[] = [];
  const list = h('ul', { class: 'member-list', testid: 'member-list' });
  const count = h('span', { class: 'muted small', testid: 'online-count' });
  const members = h('section', { class: 'card members' }, h('div', { class: 'row between' }, h('h3', null, 'Members'), count), list);

  const render = (): void => {
    const sorted = [...people.values()].sort(
      (a, b) => Number(!!b.timer) - Number(!!a.timer) || Number(b.online) - Number(a.online) || a.username.localeCompare(b.username),
    );
    clear(
      list,
      sorted.map((p) =>
        h(
          'li',
          { class: `member ${p.online ? 'online' : 'offline'} ${p.timer ? 'studying' : ''}`, testid: `member-${p.userId}`, 'data-online': String(p.online) },
          avatar(p.userId, p.username, p.online),
          h(
            'div',
            { class: 'member-main' },
            h('span', { class: 'member-name' }, p.username, p.userId === session.me?.userId ? h('span', { class: 'muted small' }, ' (you)') : null),
            h(
              'span',
              { class: 'muted small' },
              p.timer ? (p.timer.groupId === groupId ? 'studying here' : 'studying') : p.online ? 'online' : 'offline',
              p.role && p.role !== 'member' ? ` · ${p.role}` : '',
            ),
          ),
          p.timer
            ? h('span', { class: 'elapsed', testid: 'member-elapsed', 'data-started-at': p.timer.startedAt }, formatDuration(elapsedSeconds(p.timer.startedAt)))
            : null,
        ),
      ),
    );
    const online = sorted.filter((p) => p.online).length;
    const studying = sorted.filter((p) => p.timer).length;
    count.textContent = `${online} online · ${studying} studying`;
  };
  const tick = (): void => {
    for (const el of list.querySelectorAll<HTMLElement>('[data-started-at]')) {
      if (el.dataset.startedAt) el.textContent = formatDuration(elapsedSeconds(el.dataset.startedAt));
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
  let busy = false;
  const clock = h('div', { class: 'big-clock', testid: 'my-elapsed' }, '00:00:00');
  const today = h('div', { class: 'muted', testid: 'today-total' }, 'Today: —');
  const note = h('input', { placeholder: 'What did you work on? (optional)', maxlength: 500, testid: 'timer-notes' });
  const button = h('button', { class: 'btn primary big', type: 'button', testid: 'timer-toggle' }, 'Start studying');
  const where = h('div', { class: 'muted small', testid: 'timer-where' });
  const myTimer = h('section', { class: 'card my-timer', testid: 'my-timer' }, h('h3', null, 'My session'), clock, where, note, button, today);
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
  };
  const refreshStats = (): void => {
    api
      .get<Stats>('/me/stats?days=7')
      .then((s) => {
        todaySeconds = s.todaySeconds;
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
        const r = await emit<{ session: Session | null; discarded: boolean }>('timer:stop', notes ? { notes } : {});
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
        const r = await emit<{ timer: Timer }>('timer:start', { groupId });
        setMyTimer(r.timer);
        if (session.me) upsert(session.me.userId, { timer: r.timer, online: true });
      }
    } catch (e) {
      toast(errorText(e), 'error');
      api
        .get<{ timer: Timer | null }>('/timer')
        .then((r) => setMyTimer(r.timer))
        .catch(() => undefined);
    } finally {
      busy = false;
      renderMyTimer();
    }
  });
  disposers.push(onMyTimer(renderMyTimer));

  const mine = (p: { groupId: number }): boolean => p.groupId === groupId;
  disposers.push(
    listen('presence:update', (p) => mine(p) && upsert(p.userId, { online: p.online })),
    listen(
      'timer:started',
      (p) => mine(p) && upsert(p.userId, { timer: { startedAt: p.startedAt, groupId: p.groupId }, online: people.get(p.userId)?.online ?? true }),
    ),
    listen('timer:stopped', (p) => mine(p) && upsert(p.userId, { timer: null })),
  );

  const refreshMembers = async (): Promise<void> => {
    try {
      const ms = await api.get<Member[]>(`/groups/${groupId}/members`);
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

  renderMyTimer();
  refreshStats();
  return {
    members,
    myTimer,
    applyState: (state) => {
      for (const m of state.members) {
        const old = people.get(m.userId);
        people.set(m.userId, { userId: m.userId, username: m.username, role: old?.role, online: m.online, timer: m.timer });
      }
      render();
    },
    refreshMembers,
    refreshStats,
    nameOf: (userId) => people.get(userId)?.username,
    destroy: () => {
      for (const dispose of disposers) dispose();
    },
  };
}
