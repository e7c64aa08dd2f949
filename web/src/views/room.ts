/**
 * The room's people: who is studying (live ticking focus clocks, with focus / break /
 * paused), who is online, and the rest. State comes from the `room:join` ack, then
 * `presence:diff` / `timer:started` / `timer:paused` / `timer:resumed` / `timer:phase` /
 * `timer:stopped`; focus time is extrapolated client-side every second (see focus.ts).
 * My timer: stopwatch or Pomodoro (a phase ring, an alert at each phase end), pause and
 * resume, and a subject with autocomplete from `GET /me/subjects`.
 *
 * While the connection is not live, presence and peers' clocks are last-known values:
 * the list is marked stale (hollow dots, frozen clocks, a note) until the next
 * `room:join` ack brings the room's real state back.
 */
import { api, errorText } from '../api';
import { announce, avatar, clear, formatDuration, formatTotal, h, plural, toast } from '../dom';
import {
  type AnyTimer,
  focusNow,
  type LiveTimer,
  liveFrom,
  pausedAt,
  phaseAlert,
  phaseChanged,
  phaseLeft,
  phaseLength,
  prepareAlerts,
  resumedAt,
  STATE_LABEL,
  type TimerState,
} from '../focus';
import { emit, listen, onMyTimer, session, setMyTimer } from '../session';
import { goalRing } from '../goals';
import type { RoomState } from '../types';
import { showsRole } from '../../../src/shared/policy';

interface Person {
  userId: string;
  username: string;
  role?: string;
  online: boolean;
  timer: LiveTimer | null;
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
    const status = p.timer
      ? `${p.timer.groupId === groupId ? 'studying here' : 'studying elsewhere'}${p.timer.subject ? ` · ${p.timer.subject}` : ''}`
      : p.online
        ? 'online'
        : 'offline';
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
        h(
          'span',
          { class: 'muted small member-status' },
          p.timer
            ? h('span', { class: `state-badge state-${p.timer.state}`, testid: 'member-state', 'data-state': p.timer.state }, STATE_LABEL[p.timer.state])
            : null,
          p.timer ? ' ' : null,
          lastSeen ? `${status} (last seen)` : status,
          showsRole(p.role) ? ` · ${p.role}` : '',
        ),
      ),
      p.timer
        ? h('span', { class: 'elapsed', testid: 'member-elapsed', 'data-user': p.userId, 'data-self': me ? 'true' : null, 'data-state': p.timer.state })
        : null,
    );
  };
  /** A member's clock: counted focus time (frozen in a break or a pause). */
  const drawClock = (el: HTMLElement, t: LiveTimer, lastSeen: boolean): void => {
    const text = formatDuration(focusNow(t));
    el.textContent = text;
    const doing = t.state === 'focus' ? 'focused for' : t.state === 'break' ? 'on a break after' : 'paused after';
    el.setAttribute('aria-label', `${lastSeen ? `last seen ${doing}` : doing} ${text}`);
  };

  const render = (): void => {
    const sorted = [...people.values()].sort(
      (a, b) => Number(!!b.timer) - Number(!!a.timer) || Number(b.online) - Number(a.online) || a.username.localeCompare(b.username),
    );
    const offline = sorted.filter((p) => !p.online && !p.timer);
    const fold = sorted.length > SHOW_ALL_UP_TO && offline.length > 0 && !showOffline;
    const shown = fold ? sorted.filter((p) => p.online || p.timer) : sorted;
    clear(list, shown.map(row));
    drawClocks(true);
    more.hidden = sorted.length <= SHOW_ALL_UP_TO || offline.length === 0;
    more.textContent = showOffline ? 'Hide offline members' : `Show ${plural(offline.length, 'offline member')}`;
    more.setAttribute('aria-expanded', String(showOffline));
    const online = sorted.filter((p) => p.online).length;
    const studying = sorted.filter((p) => p.timer).length;
    count.textContent = `${online} online · ${studying} studying`;
  };
  /** Peers' clocks stop while stale (their timers may have stopped without us hearing it); mine goes on. */
  function drawClocks(all = false): void {
    for (const el of list.querySelectorAll<HTMLElement>(stale && !all ? '[data-user][data-self]' : '[data-user]')) {
      const t = people.get(el.dataset.user ?? '')?.timer;
      if (t) drawClock(el, t, stale && !el.dataset.self);
    }
  }
  const tick = (): void => {
    drawClocks();
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
  const goal = goalRing();
  let busy = false;
  let destroyed = false;
  let mineLive: LiveTimer | null = null;
  /** Phase ends already announced (by their `phaseEndsAt`), so each gets one alert. */
  const alerted = new Set<number>();
  const syncMine = (): void => {
    const t = session.myTimer as AnyTimer | null;
    const before = mineLive;
    mineLive = t ? liveFrom(t, session.myTimerAt) : null;
    // The server moved my Pomodoro to its next phase: alert (unless the local countdown already did).
    if (before && mineLive && before.phaseEndsAt !== null && before.state !== 'paused' && mineLive.state !== 'paused' && mineLive.state !== before.state) {
      alertPhaseEnd(before, mineLive.state);
    }
  };
  const alertPhaseEnd = (ended: LiveTimer, next: TimerState): void => {
    if (ended.phaseEndsAt === null || alerted.has(ended.phaseEndsAt)) return;
    alerted.add(ended.phaseEndsAt);
    const text = next === 'break' ? 'Focus done — time for a break.' : 'Break over — back to focus.';
    phaseAlert('StudySync', text);
    announce(text);
  };

  const clock = h('div', { class: 'big-clock', testid: 'my-elapsed', role: 'timer', 'aria-label': 'My focus time' }, '00:00:00');
  const phase = h('div', { class: 'phase-text', testid: 'my-phase', 'aria-live': 'polite' });
  const ring = h('div', { class: 'phase-ring', testid: 'phase-ring', 'aria-hidden': 'true' }, h('div', { class: 'phase-ring-inner' }, clock));
  const today = h('div', { class: 'muted small', testid: 'today-total' }, 'Today: —');
  const note = h('input', {
    placeholder: 'What are you working on?',
    maxlength: 500,
    testid: 'timer-notes',
    'aria-label': 'What are you working on? (optional, saved with the session)',
  });
  const subjectList = h('datalist', { id: `subjects-${groupId}` });
  const subject = h('input', {
    id: `subject-${groupId}`,
    maxlength: 60,
    list: `subjects-${groupId}`,
    autocomplete: 'off',
    placeholder: 'e.g. Calculus',
    testid: 'timer-subject',
  });
  const modeSelect = h(
    'select',
    { id: `mode-${groupId}`, testid: 'timer-mode' },
    h('option', { value: 'stopwatch' }, 'Stopwatch'),
    h('option', { value: 'pomodoro' }, 'Pomodoro'),
  );
  const minutesInput = (id: string, value: number, testid: string): HTMLInputElement =>
    h('input', { id: `${id}-${groupId}`, type: 'number', min: 1, max: 180, value, testid, inputmode: 'numeric' });
  const focusMinutes = minutesInput('focus-min', 25, 'pomodoro-focus');
  const breakMinutes = minutesInput('break-min', 5, 'pomodoro-break');
  const pomodoroFields = h(
    'div',
    { class: 'pomodoro-fields', hidden: true },
    h('label', { for: `focus-min-${groupId}` }, 'Focus (min)'),
    focusMinutes,
    h('label', { for: `break-min-${groupId}` }, 'Break (min)'),
    breakMinutes,
  );
  modeSelect.addEventListener('change', () => {
    pomodoroFields.hidden = modeSelect.value !== 'pomodoro';
  });
  const setup = h(
    'div',
    { class: 'timer-setup', testid: 'timer-setup' },
    h('label', { for: `subject-${groupId}` }, 'Subject'),
    subject,
    subjectList,
    h('label', { for: `mode-${groupId}` }, 'Mode'),
    modeSelect,
    pomodoroFields,
  );
  const button = h('button', { class: 'btn primary big', type: 'button', testid: 'timer-toggle' }, 'Start studying');
  const pause = h('button', { class: 'btn big', type: 'button', testid: 'timer-pause', hidden: true }, 'Pause');
  const where = h('div', { class: 'muted small', testid: 'timer-where' });
  const myTimer = h(
    'section',
    { class: 'card my-timer', testid: 'my-timer', 'aria-labelledby': `my-timer-title-${groupId}` },
    h('div', { class: 'timer-head' }, h('h2', { class: 'card-title', id: `my-timer-title-${groupId}` }, 'My session'), today, goal.el),
    h('div', { class: 'timer-body' }, ring, phase, h('div', { class: 'timer-buttons' }, pause, button)),
    where,
    setup,
    note,
  );
  const renderMyTimer = (): void => {
    const t = mineLive;
    const focus = t ? focusNow(t) : 0;
    clock.textContent = formatDuration(focus);
    myTimer.classList.toggle('running', !!t);
    myTimer.dataset.state = t?.state ?? 'idle';
    const left = t ? phaseLeft(t) : null;
    if (t && left === 0 && t.state !== 'paused') alertPhaseEnd(t, t.state === 'focus' ? 'break' : 'focus');
    if (t && left !== null) {
      const length = phaseLength(t);
      ring.classList.add('pomodoro');
      ring.style.setProperty('--p', String(length ? Math.min(1, left / length) : 1));
      phase.textContent = `${STATE_LABEL[t.state]}${t.cycle ? ` · cycle ${t.cycle}` : ''} · ${formatDuration(left).replace(/^00:/, '')} left`;
    } else {
      ring.classList.remove('pomodoro');
      phase.textContent = t ? (t.state === 'paused' ? 'Paused' : t.subject ? `Focus · ${t.subject}` : 'Focus') : '';
    }
    phase.dataset.state = t?.state ?? 'idle';
    button.textContent = t ? 'Stop' : 'Start studying';
    button.className = `btn big ${t ? 'danger' : 'primary'}`;
    button.dataset.running = String(!!t);
    button.disabled = busy;
    pause.hidden = !t;
    pause.disabled = busy;
    pause.textContent = t?.state === 'paused' ? 'Resume' : 'Pause';
    pause.dataset.paused = String(t?.state === 'paused');
    setup.hidden = !!t;
    note.hidden = !t;
    where.textContent = t && t.groupId !== groupId ? (t.groupId ? 'Running in another group' : 'Running without a group') : '';
    today.textContent = `Today: ${formatTotal(todaySeconds + focus)}`;
    goal.update(todaySeconds + focus, goalMinutes);
  };
  // Today's time and goal; a failed read (a node restarting, a dropped request) is tried
  // again a few times, so the goal ring does not stay hidden until the next session.
  const refreshStats = (attempt = 0): void => {
    api('GET /api/me/stats', { query: { days: 7 } })
      .then((s) => {
        todaySeconds = s.todaySeconds;
        goalMinutes = s.dailyGoalMinutes;
        renderMyTimer();
      })
      .catch(() => {
        if (!destroyed && attempt < 4) setTimeout(() => refreshStats(attempt + 1), 1000 * 2 ** attempt);
      });
  };
  const refreshSubjects = (): void => {
    api('GET /api/me/subjects')
      .then((r) =>
        clear(
          subjectList,
          r.subjects.map((x) => h('option', { value: x })),
        ),
      )
      .catch(() => undefined);
  };
  const minutes = (input: HTMLInputElement, fallback: number): number => {
    const n = Math.round(Number(input.value));
    return Number.isFinite(n) && n >= 1 && n <= 180 ? n : fallback;
  };
  const recover = (e: unknown): void => {
    toast(errorText(e), 'error');
    api('GET /api/timer')
      .then((r) => setMyTimer(r.timer))
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
        setTimeout(() => refreshStats(), 1500);
        refreshSubjects();
      } else {
        prepareAlerts();
        const pomodoro = modeSelect.value === 'pomodoro';
        const r = await emit('timer:start', {
          groupId,
          subject: subject.value.trim() || null,
          mode: pomodoro ? 'pomodoro' : 'stopwatch',
          ...(pomodoro ? { pomodoro: { focusMinutes: minutes(focusMinutes, 25), breakMinutes: minutes(breakMinutes, 5) } } : {}),
        });
        setMyTimer(r.timer);
        if (session.me && mineLive) upsert(session.me.userId, { timer: mineLive, online: true });
        announce(pomodoro ? 'Your Pomodoro started: focus.' : 'Your timer started.');
      }
    } catch (e) {
      recover(e);
    } finally {
      busy = false;
      renderMyTimer();
    }
  });
  pause.addEventListener('click', async () => {
    const paused = mineLive?.state === 'paused';
    busy = true;
    renderMyTimer();
    try {
      const r = await emit(paused ? 'timer:resume' : 'timer:pause', {});
      setMyTimer(r.timer);
      if (session.me && mineLive) upsert(session.me.userId, { timer: mineLive });
      announce(paused ? 'Timer resumed.' : 'Timer paused.');
    } catch (e) {
      recover(e);
    } finally {
      busy = false;
      renderMyTimer();
    }
  });
  disposers.push(
    onMyTimer(() => {
      syncMine();
      renderMyTimer();
    }),
  );
  syncMine();

  const mine = (p: { groupId: number }): boolean => p.groupId === groupId;
  const isMe = (userId: string): boolean => userId === session.me?.userId;
  const nameOf = (userId: string): string => people.get(userId)?.username ?? 'Someone';
  const withTimer = (userId: string, change: (t: LiveTimer) => LiveTimer): void => {
    const t = people.get(userId)?.timer;
    if (t) upsert(userId, { timer: change(t) });
  };
  disposers.push(
    listen('presence:diff', (p) => {
      if (!mine(p)) return;
      // A user is in at most one of the lists (the later transition wins on the server).
      for (const l of p.leaves) upsert(l.userId, { online: false });
      for (const j of p.joins) upsert(j.userId, { online: true });
    }),
    listen('timer:started', (p) => {
      if (!mine(p)) return;
      const t: AnyTimer = { pausedSeconds: 0, pomodoro: null, ...p };
      upsert(p.userId, { timer: liveFrom(t), online: people.get(p.userId)?.online ?? true });
      if (!isMe(p.userId)) announce(`${nameOf(p.userId)} started studying.`);
    }),
    listen('timer:paused', (p) => {
      if (!mine(p)) return;
      withTimer(p.userId, (t) => pausedAt(t, p.focusSeconds));
      if (!isMe(p.userId)) announce(`${nameOf(p.userId)} paused.`);
    }),
    listen('timer:resumed', (p) => {
      if (!mine(p)) return;
      // The phase it runs in now comes with the event (state, phase end, cycle).
      withTimer(p.userId, (t) => resumedAt(t, p));
      if (!isMe(p.userId)) announce(`${nameOf(p.userId)} resumed.`);
    }),
    listen('timer:phase', (p) => {
      if (!mine(p)) return;
      withTimer(p.userId, (t) => phaseChanged(t, p));
      if (!isMe(p.userId)) announce(`${nameOf(p.userId)}: ${p.state === 'break' ? 'break' : p.state === 'focus' ? 'back to focus' : 'paused'}.`);
    }),
    listen('timer:stopped', (p) => {
      if (!mine(p)) return;
      upsert(p.userId, { timer: null });
      if (!isMe(p.userId)) announce(`${nameOf(p.userId)} stopped studying after ${formatTotal(p.durationSeconds)}.`);
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
  refreshSubjects();
  return {
    members,
    myTimer,
    applyState: (state) => {
      // The room's state is the truth: everyone in it, fresh presence and timers.
      const inRoom = new Set(state.members.map((m) => m.userId));
      for (const id of [...people.keys()]) if (!inRoom.has(id)) people.delete(id);
      for (const m of state.members) {
        const old = people.get(m.userId);
        people.set(m.userId, { userId: m.userId, username: m.username, role: old?.role, online: m.online, timer: m.timer ? liveFrom(m.timer) : null });
      }
      stale = true; // setStale re-renders
      setStale(false);
    },
    setStale,
    refreshMembers,
    refreshStats,
    nameOf: (userId) => people.get(userId)?.username,
    destroy: () => {
      destroyed = true;
      for (const d of disposers) d();
    },
  };
}
