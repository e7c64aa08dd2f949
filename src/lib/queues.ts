import { Queue, type ConnectionOptions } from 'bullmq';
import type { Config } from './config';
import { bullConnection } from './redis';

/** Data of a session-persistence job; its BullMQ job id is the session UUID. */
export interface PersistSessionJob {
  sessionUuid: string;
  userId: string;
  groupId: number | null;
  /** ISO-8601 instants by the server clock. */
  startedAt: string;
  endedAt: string;
  /** Counted focus time (what totals and boards add up). */
  durationSeconds: number;
  notes: string | null;
  /**
   * How it was counted (issue 15). Optional so that jobs queued by nodes of the previous
   * release (a rolling deploy) are still stored: absent means a plain stopwatch stopped by
   * its user (raw = counted, nothing paused).
   */
  rawSeconds?: number;
  pausedSeconds?: number;
  mode?: 'stopwatch' | 'pomodoro';
  subject?: string | null;
  endReason?: 'stopped' | 'disconnected' | 'max_hours' | 'daily_cap';
}

export type MaintenanceJobName = 'stop-stale-timers' | 'expire-invitations' | 'rebuild-leaderboards' | 'sweep-uploads' | 'timer-tick' | 'sweep-afk-timers';
export interface MaintenanceJob {
  /** Restrict a leaderboard rebuild to one group (all groups when absent). */
  groupId?: number;
  /** `timer-tick` (issue 15): the timer it is about; stale ticks (another timer, a moved clock) are ignored. */
  userId?: string;
  sessionUuid?: string;
}

export const QUEUE_NAMES = { sessions: 'sessions', maintenance: 'maintenance' } as const;

export interface Queues {
  sessions: Queue<PersistSessionJob, unknown, 'persist-session'>;
  maintenance: Queue<MaintenanceJob, unknown, MaintenanceJobName>;
  close(): Promise<void>;
}

/** BullMQ key prefix: every queue key lives under the deployment's Redis prefix. */
export const bullPrefix = (config: Config): string => `${config.redisKeyPrefix}bull`;

export const defaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Producer-side queues (API nodes and workers both enqueue). */
export function createQueues(config: Config, forWorker = false): Queues {
  const connection: ConnectionOptions = bullConnection(config.redisUrl, forWorker);
  const prefix = bullPrefix(config);
  const sessions = new Queue<PersistSessionJob, unknown, 'persist-session'>(QUEUE_NAMES.sessions, { connection, prefix, defaultJobOptions });
  const maintenance = new Queue<MaintenanceJob, unknown, MaintenanceJobName>(QUEUE_NAMES.maintenance, { connection, prefix, defaultJobOptions });
  // Errors surface on the calls that fail (enqueue → 503); keep the emitter quiet.
  sessions.on('error', () => undefined);
  maintenance.on('error', () => undefined);
  let closed: Promise<void> | undefined;
  return {
    sessions,
    maintenance,
    close: () => (closed ??= Promise.all([sessions.close(), maintenance.close()]).then(() => undefined)),
  };
}
