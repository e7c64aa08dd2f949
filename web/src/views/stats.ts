/** My stats: today, streaks, a 7-day bar chart (CSS bars) and recent sessions. */
import { api, errorText } from '../api';
import { clear, formatTime, formatTotal, h } from '../dom';
import type { View } from '../view';
import { listen } from '../session';
import type { Page, Session, Stats } from '../types';

export function statsView(): View {
  const cards = h('div', { class: 'grid stats-cards' });
  const chart = h('div', { class: 'bar-chart', testid: 'stats-chart' });
  const sessions = h('ul', { class: 'session-list', testid: 'sessions' });
  const el = h(
    'div',
    { class: 'page stats-page', testid: 'stats-page' },
    h('h1', null, 'My stats'),
    cards,
    h('section', { class: 'card' }, h('h3', null, 'Last 7 days'), chart),
    h('section', { class: 'card' }, h('h3', null, 'Recent sessions'), sessions),
  );
  const stat = (label: string, value: string, testid: string, extra?: string): HTMLElement =>
    h(
      'div',
      { class: 'card stat' },
      h('div', { class: 'muted small' }, label),
      h('div', { class: 'stat-value', testid }, value),
      extra ? h('div', { class: 'muted small' }, extra) : null,
    );

  const load = async (): Promise<void> => {
    try {
      const s = await api.get<Stats>('/me/stats?days=7');
      clear(
        cards,
        stat('Today', formatTotal(s.todaySeconds), 'stat-today'),
        stat('Current streak', `${s.currentStreak} day${s.currentStreak === 1 ? '' : 's'}`, 'stat-streak'),
        stat('Longest streak', `${s.longestStreak} day${s.longestStreak === 1 ? '' : 's'}`, 'stat-longest'),
        stat('Last 7 days', formatTotal(s.periodSeconds), 'stat-period', `days in ${s.timezone}`),
      );
      const max = Math.max(60, ...s.daily.map((d) => d.seconds));
      clear(
        chart,
        s.daily.map((d) => {
          const day = new Date(`${d.date}T12:00:00Z`);
          return h(
            'div',
            { class: 'bar-col', testid: 'stats-bar', title: `${d.date}: ${formatTotal(d.seconds)}` },
            h('span', { class: 'bar-value small' }, d.seconds ? formatTotal(d.seconds) : ''),
            h('div', { class: 'bar-track' }, h('div', { class: 'bar-fill', style: `height:${(d.seconds / max) * 100}%` })),
            h('span', { class: 'bar-label small muted' }, day.toLocaleDateString([], { weekday: 'short', timeZone: 'UTC' })),
          );
        }),
      );
    } catch (e) {
      clear(cards, h('p', { class: 'form-error' }, errorText(e)));
    }
    try {
      const page = await api.get<Page<Session>>('/sessions?limit=10');
      clear(
        sessions,
        page.items.length
          ? page.items.map((x) =>
              h(
                'li',
                { class: 'row between' },
                h('span', null, formatTime(x.startedAt), x.sessionNotes ? h('span', { class: 'muted' }, ` — ${x.sessionNotes}`) : null),
                h('strong', null, formatTotal(x.durationSeconds)),
              ),
            )
          : h('li', { class: 'muted' }, 'No sessions yet.'),
      );
    } catch (e) {
      clear(sessions, h('li', { class: 'muted' }, errorText(e)));
    }
  };
  void load();
  const off = listen('timer:state', () => setTimeout(() => void load(), 1500));
  return { el, destroy: off };
}
