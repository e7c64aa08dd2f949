/**
 * My stats: today with the daily goal ring, streaks with the freezes held, a 7-day bar
 * chart (CSS bars), a year heatmap (goal days and frozen days marked), the week's time by
 * subject and recent sessions with their group and subject. Days are the user's local days (`preferences.timezone`, which the client sets
 * to this device's zone for a new account); when the account's zone and this device's
 * differ, the page says so and offers to switch.
 */
import { api, errorText } from '../api';
import { clear, formatTime, formatTotal, h, plural, srOnly, toast } from '../dom';
import type { View } from '../view';
import { listen, onReconnect, session } from '../session';
import { dayLabel, deviceTimeZone } from '../time';
import { goalRing, streakFlame, yearHeatmap } from '../goals';

/** A bar's label: "3h 57m", "35m", "40s" (no seconds once there are minutes, so it fits a phone). */
function short(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  return seconds >= 60 ? `${Math.round(seconds / 60)}m` : `${seconds}s`;
}

/** "Europe/Paris" → "Paris time (Europe/Paris)": the city people recognise, and the zone id. */
const zoneName = (zone: string): string => (zone === 'UTC' ? 'UTC' : `${(zone.split('/').pop() ?? zone).replace(/_/g, ' ')} time (${zone})`);

export function statsView(): View {
  document.title = 'My stats · StudySync';
  const cards = h('div', { class: 'grid stats-cards', testid: 'stats-cards' });
  const zoneNote = h('p', { class: 'muted small zone-note', testid: 'stats-timezone' });
  const chart = h('ol', { class: 'bar-chart', testid: 'stats-chart', 'aria-label': 'Study time per day, last 7 days' });
  const subjects = h('ul', { class: 'subject-list', testid: 'stats-subjects' });
  const sessions = h('ul', { class: 'session-list', testid: 'sessions' });
  const ring = goalRing('stats-goal-ring');
  const heatmap = h('div', { testid: 'stats-heatmap' });
  const el = h(
    'div',
    { class: 'page stats-page', testid: 'stats-page' },
    h('h1', null, 'My stats'),
    zoneNote,
    cards,
    h('section', { class: 'card', 'aria-labelledby': 'stats-week-title' }, h('h2', { class: 'card-title', id: 'stats-week-title' }, 'Last 7 days'), chart),
    h('section', { class: 'card', 'aria-labelledby': 'stats-year-title' }, h('h2', { class: 'card-title', id: 'stats-year-title' }, 'Last year'), heatmap),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'stats-subjects-title' },
      h('h2', { class: 'card-title', id: 'stats-subjects-title' }, 'By subject, last 7 days'),
      subjects,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'stats-sessions-title' },
      h('h2', { class: 'card-title', id: 'stats-sessions-title' }, 'Recent sessions'),
      sessions,
    ),
  );
  const stat = (label: string, value: string, testid: string, extra?: string): HTMLElement =>
    h(
      'div',
      { class: 'card stat' },
      h('div', { class: 'muted small' }, label),
      h('div', { class: 'stat-value', testid }, value),
      extra ? h('div', { class: 'muted small' }, extra) : null,
    );

  const renderZone = (zone: string): void => {
    const device = deviceTimeZone();
    clear(zoneNote, `Days and streaks follow ${zoneName(zone)}.`);
    if (device && device !== zone) {
      zoneNote.append(
        ` This device is on ${zoneName(device)}. `,
        h(
          'button',
          {
            class: 'btn link small',
            type: 'button',
            testid: 'use-device-zone',
            onclick: () =>
              api('PATCH /api/me', { body: { preferences: { timezone: device } } })
                .then((u) => {
                  session.me = u;
                  void load();
                })
                .catch((e) => toast(errorText(e), 'error')),
          },
          `Use ${device}`,
        ),
      );
    }
  };

  const groupNames = async (): Promise<Map<number, string>> => {
    try {
      return new Map((await api('GET /api/groups')).map((g) => [g.id, g.groupName]));
    } catch {
      return new Map();
    }
  };

  const load = async (): Promise<void> => {
    try {
      const s = await api('GET /api/me/stats', { query: { days: 366 } });
      const week = s.daily.slice(-7);
      renderZone(s.timezone);
      ring.update(s.todaySeconds, s.dailyGoalMinutes);
      const today = stat('Today', formatTotal(s.todaySeconds), 'stat-today', s.dailyGoalMinutes ? `Goal: ${s.dailyGoalMinutes} min` : 'No daily goal set');
      today.append(ring.el);
      const streak = h(
        'div',
        { class: 'card stat' },
        h('div', { class: 'muted small' }, 'Current streak'),
        h('div', { class: 'stat-value' }, streakFlame(s.currentStreak, s.freezesAvailable)),
      );
      clear(
        cards,
        today,
        streak,
        stat('Longest streak', plural(s.longestStreak, 'day'), 'stat-longest'),
        stat('Last 7 days', formatTotal(week.reduce((sum, d) => sum + d.seconds, 0)), 'stat-period'),
      );
      clear(heatmap, yearHeatmap(s.daily));
      const max = Math.max(60, ...week.map((d) => d.seconds));
      clear(
        chart,
        week.map((d) =>
          h(
            'li',
            {
              class: 'bar-col',
              testid: 'stats-bar',
              title: `${dayLabel(d.date, { weekday: 'long', month: 'short', day: 'numeric' })}: ${formatTotal(d.seconds)}`,
            },
            h('span', { class: 'bar-value small', 'aria-hidden': 'true' }, d.seconds ? short(d.seconds) : ''),
            h('div', { class: 'bar-track', 'aria-hidden': 'true' }, h('div', { class: 'bar-fill', style: `height:${(d.seconds / max) * 100}%` })),
            h('span', { class: 'bar-label small muted', 'aria-hidden': 'true' }, dayLabel(d.date)),
            srOnly(`${dayLabel(d.date, { weekday: 'long', month: 'long', day: 'numeric' })}: ${d.seconds ? formatTotal(d.seconds) : 'no study'}`),
          ),
        ),
      );
      const total = Math.max(1, s.periodSeconds);
      clear(
        subjects,
        s.bySubject.length
          ? s.bySubject.map((x) =>
              h(
                'li',
                { class: 'subject-row', testid: 'stats-subject' },
                h('span', { class: x.subject === null ? 'subject-name muted' : 'subject-name' }, x.subject ?? 'No subject'),
                h('div', { class: 'subject-track', 'aria-hidden': 'true' }, h('div', { class: 'subject-fill', style: `width:${(x.seconds / total) * 100}%` })),
                h('strong', { class: 'subject-time' }, formatTotal(x.seconds)),
              ),
            )
          : h('li', { class: 'muted' }, 'Nothing counted yet — tag a session with a subject to see it here.'),
      );
    } catch (e) {
      clear(cards, h('p', { class: 'form-error' }, errorText(e)));
    }
    try {
      const [page, names] = await Promise.all([api('GET /api/sessions', { query: { limit: 10 } }), groupNames()]);
      clear(
        sessions,
        page.items.length
          ? page.items.map((x) => {
              const where = x.groupId === null ? 'On my own' : (names.get(x.groupId) ?? 'A group I left');
              return h(
                'li',
                { class: 'session', testid: 'session' },
                h(
                  'div',
                  { class: 'session-main' },
                  h('span', { class: 'session-group', testid: 'session-group' }, where),
                  h(
                    'span',
                    { class: 'muted small' },
                    h('time', { datetime: x.startedAt }, formatTime(x.startedAt)),
                    x.subject ? ` · ${x.subject}` : '',
                    x.sessionNotes ? ` · ${x.sessionNotes}` : '',
                  ),
                ),
                h('strong', { class: 'session-duration' }, formatTotal(x.durationSeconds)),
              );
            })
          : h('li', { class: 'muted' }, 'No sessions yet — start a timer in one of your groups.'),
      );
    } catch (e) {
      clear(sessions, h('li', { class: 'muted' }, errorText(e)));
    }
  };
  void load();
  const offTimer = listen('timer:state', () => setTimeout(() => void load(), 1500));
  const offReconnect = onReconnect(() => void load());
  return {
    el,
    destroy: () => {
      offTimer();
      offReconnect();
    },
  };
}
