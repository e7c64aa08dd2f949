import type { ProgressStatus } from '../../db/models/enums';
import type { FieldIssue } from '../../lib/errors';

/**
 * Pure progress rules (no database): the transitions of a user's progress on a resource.
 * Who may add or manage resources is the permission policy's (src/shared/policy.ts).
 */

export interface ProgressState {
  status: ProgressStatus;
  progressPercentage: number;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface ProgressChange {
  status?: ProgressStatus;
  progressPercentage?: number;
}

export const NOT_STARTED: ProgressState = { status: 'not_started', progressPercentage: 0, startedAt: null, completedAt: null };

export type ProgressResult = { ok: true; state: ProgressState } | { ok: false; issues: FieldIssue[] };

const bad = (field: string, message: string): ProgressResult => ({ ok: false, issues: [{ field: `body.${field}`, message }] });

/**
 * The next progress state (docs/API.md "Shapes", Progress):
 * - `completed` ⇔ 100 %, and `completedAt` is set when it becomes completed (kept while it stays so);
 * - leaving `not_started` sets `startedAt` once (never cleared);
 * - only a percentage: 0 → not_started (or the current started status), 1..99 → in_progress, 100 → completed;
 * - only a status: completed → 100, not_started → 0, in_progress/paused keep the percentage
 *   (refused when it is 100: give a percentage below 100 to reopen);
 * - both: they must agree, otherwise VALIDATION_FAILED.
 */
export function nextProgress(current: ProgressState | null, change: ProgressChange, now: Date): ProgressResult {
  const from = current ?? NOT_STARTED;
  let status: ProgressStatus;
  let pct: number;
  const { status: s, progressPercentage: p } = change;

  if (p !== undefined && (!Number.isInteger(p) || p < 0 || p > 100)) return bad('progressPercentage', 'must be an integer from 0 to 100');

  if (s !== undefined && p !== undefined) {
    if (s === 'completed' && p !== 100) return bad('progressPercentage', 'completed means 100');
    if (s !== 'completed' && p === 100) return bad('status', '100 % means completed');
    if (s === 'not_started' && p !== 0) return bad('progressPercentage', 'not_started means 0');
    status = s;
    pct = p;
  } else if (s !== undefined) {
    status = s;
    if (s === 'completed') pct = 100;
    else if (s === 'not_started') pct = 0;
    else {
      pct = from.progressPercentage;
      if (pct === 100) return bad('progressPercentage', 'give a percentage below 100 to reopen a completed resource');
    }
  } else if (p !== undefined) {
    pct = p;
    if (p === 100) status = 'completed';
    else if (p > 0) status = 'in_progress';
    else if (from.startedAt && from.status !== 'not_started') status = from.status === 'completed' ? 'in_progress' : from.status;
    else status = 'not_started';
  } else {
    return { ok: true, state: { ...from } };
  }

  const startedAt = from.startedAt ?? (status !== 'not_started' ? now : null);
  const completedAt = status === 'completed' ? (from.status === 'completed' && from.completedAt ? from.completedAt : now) : null;
  return { ok: true, state: { status, progressPercentage: pct, startedAt, completedAt } };
}
