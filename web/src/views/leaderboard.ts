/**
 * Group leaderboard for the four periods, as the top 10 or "Near you" (my rank neighbours,
 * `around=me`, issue 16); refetched on `leaderboard:updated`.
 */
import { api, errorText } from '../api';
import { avatar, clear, formatTotal, h, icon, plural } from '../dom';
import { listen, session } from '../session';
import type { Period } from '../types';

/** Short labels: the four fit on one row of a phone. */
const PERIODS = [
  ['7d', '7 days'],
  ['week', 'This week'],
  ['month', 'This month'],
  ['all', 'All time'],
] as const;

export interface LeaderboardPanel {
  el: HTMLElement;
  refresh(): Promise<void>;
  destroy(): void;
}

export function leaderboardPanel(groupId: number): LeaderboardPanel {
  let period: Period = '7d';
  let view: 'top' | 'near' = 'top';
  const views = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'Show', testid: 'leaderboard-views' },
    (
      [
        ['top', 'Top'],
        ['near', 'Near you'],
      ] as const
    ).map(([value, label]) =>
      h(
        'button',
        {
          type: 'button',
          class: value === view ? 'active' : '',
          'aria-pressed': String(value === view),
          testid: `leaderboard-view-${value}`,
          onclick: (e: MouseEvent) => {
            view = value;
            for (const b of views.children) {
              b.classList.toggle('active', b === e.currentTarget);
              b.setAttribute('aria-pressed', String(b === e.currentTarget));
            }
            void refresh();
          },
        },
        label,
      ),
    ),
  );
  const body = h('div', { class: 'lb-body', testid: 'leaderboard-body' });
  const updated = h('span', { class: 'muted small', testid: 'leaderboard-updated' });
  const tabs = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'Period', testid: 'period-tabs' },
    PERIODS.map(([value, label]) =>
      h(
        'button',
        {
          type: 'button',
          class: value === period ? 'active' : '',
          'aria-pressed': String(value === period),
          testid: `period-${value}`,
          onclick: (e: MouseEvent) => {
            period = value;
            for (const b of tabs.children) {
              b.classList.toggle('active', b === e.currentTarget);
              b.setAttribute('aria-pressed', String(b === e.currentTarget));
            }
            void refresh();
          },
        },
        label,
      ),
    ),
  );
  const el = h(
    'section',
    { class: 'card leaderboard', testid: 'leaderboard', 'aria-labelledby': `lb-title-${groupId}` },
    h('div', { class: 'lb-head' }, h('h2', { class: 'card-title', id: `lb-title-${groupId}` }, 'Leaderboard'), views, tabs),
    body,
    updated,
  );

  const refresh = async (): Promise<void> => {
    const asked = period;
    const askedView = view;
    try {
      const lb = await api('GET /api/groups/:id/leaderboard', {
        params: { id: groupId },
        query: askedView === 'near' ? { period: asked, around: 'me', radius: 2 } : { period: asked, limit: 10 },
      });
      if (asked !== period || askedView !== view) return;
      const max = Math.max(1, ...lb.entries.map((e) => e.totalSeconds));
      const me = session.me?.userId;
      clear(
        body,
        lb.entries.length === 0
          ? h('p', { class: 'muted empty', testid: 'leaderboard-empty' }, 'Nobody has studied in this period yet. Start a session to take the lead!')
          : h(
              'ol',
              { class: 'lb-list' },
              lb.entries.map((e) =>
                h(
                  'li',
                  {
                    class: `lb-row ${e.userId === me ? 'me' : ''} rank-${e.rank}`,
                    testid: 'leaderboard-entry',
                    'data-user-id': e.userId,
                    'data-seconds': e.totalSeconds,
                  },
                  h('span', { class: 'rank' }, String(e.rank)),
                  avatar(e.userId, e.username),
                  h(
                    'div',
                    { class: 'lb-main' },
                    h(
                      'div',
                      { class: 'row between' },
                      h('span', { class: 'member-name' }, e.username),
                      h('span', { class: 'lb-time', testid: 'leaderboard-time' }, formatTotal(e.totalSeconds)),
                    ),
                    h('div', { class: 'bar' }, h('span', { style: `width:${Math.max(2, (e.totalSeconds / max) * 100)}%` })),
                  ),
                  h(
                    'span',
                    { class: 'streak small', title: `Current streak: ${plural(e.currentStreak, 'day')}` },
                    icon('flame', 14),
                    String(e.currentStreak),
                    h('span', { class: 'sr-only' }, ` ${e.currentStreak === 1 ? 'day' : 'days'} streak`),
                  ),
                ),
              ),
            ),
        lb.me && !lb.entries.some((e) => e.userId === me) ? h('p', { class: 'muted small' }, `You: #${lb.me.rank} · ${formatTotal(lb.me.totalSeconds)}`) : null,
        askedView === 'near' && !lb.me && lb.entries.length > 0
          ? h('p', { class: 'muted small', testid: 'leaderboard-near-hint' }, 'You have no time in this period yet: these are the people just ahead of you.')
          : null,
      );
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      clear(body, h('p', { class: 'form-error' }, errorText(e)));
    }
  };
  const off = listen('leaderboard:updated', (p) => {
    if (p.groupId === groupId) void refresh();
  });
  void refresh();
  return { el, refresh, destroy: off };
}
