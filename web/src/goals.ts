/**
 * Daily goal and streak widgets (issue 16): the goal ring (room and stats pages), the
 * streak flame with the freezes held, and the year heatmap of study time with goal days
 * and frozen days marked. Built with `h()` only; colours and shapes in styles.css.
 */
import { formatTotal, h, plural } from './dom';
import type { Stats } from './types';
import { dayLabel } from './time';

export interface GoalRing {
  el: HTMLElement;
  /** Today's seconds (including a running timer) against the goal in minutes (0 = no goal). */
  update(seconds: number, goalMinutes: number): void;
}

/** A ring that fills as today's study time approaches the daily goal. */
export function goalRing(testid = 'goal-ring'): GoalRing {
  const label = h('span', { class: 'goal-ring-label small' });
  const el = h('div', { class: 'goal-ring', testid, role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, label);
  const update = (seconds: number, goalMinutes: number): void => {
    el.hidden = goalMinutes <= 0;
    if (goalMinutes <= 0) return;
    const percent = Math.min(100, Math.floor((seconds / (goalMinutes * 60)) * 100));
    const met = seconds >= goalMinutes * 60;
    el.style.setProperty('--p', String(percent));
    el.classList.toggle('met', met);
    el.dataset.progress = String(percent);
    el.dataset.met = String(met);
    el.setAttribute('aria-valuenow', String(percent));
    el.setAttribute('aria-label', `Daily goal: ${formatTotal(seconds)} of ${goalMinutes} min${met ? ', met' : ''}`);
    label.textContent = met ? '✓ Goal' : `${Math.floor(seconds / 60)}/${goalMinutes}m`;
  };
  update(0, 0);
  return { el, update };
}

/** "🔥 14 days" with the freezes held ("❄ 2"). */
export function streakFlame(current: number, freezes: number): HTMLElement {
  return h(
    'div',
    { class: `streak-flame${current > 0 ? ' lit' : ''}`, testid: 'streak-flame', 'data-freezes': freezes },
    h('span', { 'aria-hidden': 'true' }, '🔥 '),
    h('span', { testid: 'stat-streak' }, plural(current, 'day')),
    h(
      'span',
      {
        class: 'freezes small',
        testid: 'streak-freezes',
        title: 'Streak freezes held: each covers one missed day (one earned every 7 days in a row, at most 2)',
      },
      ` · ❄ ${freezes} ${freezes === 1 ? 'freeze' : 'freezes'}`,
    ),
  );
}

/** Intensity 0–4 of a day (0: none; then quarters of the busiest day, at least an hour). */
const level = (seconds: number, max: number): number => (seconds <= 0 ? 0 : Math.min(4, Math.ceil((seconds / max) * 4)));

/** A GitHub-style year of study time: one cell per local day, weeks as columns, goal days ringed, frozen days marked. */
export function yearHeatmap(daily: Stats['daily']): HTMLElement {
  const max = Math.max(3600, ...daily.map((d) => d.seconds));
  // Pad the first week so each column is Monday … Sunday.
  const first = daily[0];
  const pad = first ? (new Date(`${first.date}T00:00:00Z`).getUTCDay() + 6) % 7 : 0;
  const cells: HTMLElement[] = Array.from({ length: pad }, () => h('li', { class: 'heat-cell pad', 'aria-hidden': 'true' }));
  for (const d of daily) {
    const what = d.seconds ? formatTotal(d.seconds) : d.frozen ? 'frozen (streak kept)' : 'no study';
    cells.push(
      h('li', {
        class: `heat-cell l${level(d.seconds, max)}${d.goalMet ? ' goal' : ''}${d.frozen ? ' frozen' : ''}`,
        testid: 'heatmap-day',
        'data-date': d.date,
        'data-seconds': d.seconds,
        'data-goal-met': String(d.goalMet),
        'data-frozen': String(d.frozen),
        title: `${dayLabel(d.date, { weekday: 'short', month: 'short', day: 'numeric' })}: ${what}${d.goalMet ? ' · goal met' : ''}`,
      }),
    );
  }
  const goalDays = daily.filter((d) => d.goalMet).length;
  return h(
    'div',
    { class: 'heatmap-wrap' },
    h(
      'ol',
      { class: 'heatmap', testid: 'heatmap', 'aria-label': `Study time per day over the last year; daily goal met on ${plural(goalDays, 'day')}` },
      cells,
    ),
    h(
      'p',
      { class: 'heatmap-legend muted small' },
      'Less ',
      [0, 1, 2, 3, 4].map((l) => h('span', { class: `heat-cell l${l}`, 'aria-hidden': 'true' })),
      ' More · ',
      h('span', { class: 'heat-cell l2 goal', 'aria-hidden': 'true' }),
      ' goal met · ',
      h('span', { class: 'heat-cell frozen', 'aria-hidden': 'true' }),
      ' frozen',
    ),
  );
}
