import type { AppContext } from '../../context';
import { groupRoom } from '../../realtime/events';
import type { IoServer } from '../../realtime/io-server';
import { joinedGroups } from './presence.handlers';
import { presenceIntervals } from './presence.rules';
import { flushConnected, restoreEntry, sweepExpired } from './presence.service';
import { refreshEntries } from './presence.store';

/** How often each node mirrors pending presence transitions in `groupings` (write-behind). */
const FLUSH_MS = 1000;

/**
 * The node's presence upkeep: refreshes the entries of its own sockets (so they live
 * while the node does), sweeps expired entries of any node (so a killed node's users
 * go offline within PRESENCE_TTL_SECONDS), and writes pending transitions (any node's)
 * to `groupings.is_connected/last_seen` in batches. Returns the stop function.
 */
export function startPresenceLoop(io: IoServer, ctx: AppContext): () => void {
  const log = ctx.logger.child({ component: 'presence' });
  const { heartbeatMs, sweepMs } = presenceIntervals(ctx.config.presenceTtlSeconds);
  let stopped = false;
  let busy = false;

  const heartbeat = setInterval(() => {
    if (stopped || ctx.redis.status !== 'ready') return;
    const entries: Array<{ groupId: number; socketId: string; userId: string; username: string }> = [];
    for (const socket of io.of('/').sockets.values()) {
      for (const groupId of joinedGroups(socket)) entries.push({ groupId, socketId: socket.id, userId: socket.data.userId, username: socket.data.username });
    }
    refreshEntries(ctx, entries)
      .then(async (missing) => {
        for (const e of missing) {
          if (stopped) return;
          const socket = io.of('/').sockets.get(e.socketId);
          if (socket?.rooms.has(groupRoom(e.groupId))) await restoreEntry(ctx, e);
        }
      })
      .catch((error: unknown) => log.warn({ err: error }, 'presence heartbeat failed'));
  }, heartbeatMs);

  const sweep = setInterval(() => {
    if (stopped || busy || ctx.redis.status !== 'ready') return;
    busy = true;
    sweepExpired(ctx, Date.now(), () => stopped)
      .catch((error: unknown) => log.warn({ err: error }, 'presence sweep failed'))
      .finally(() => (busy = false));
  }, sweepMs);
  let flushing = false;
  const flush = setInterval(() => {
    if (stopped || flushing || ctx.redis.status !== 'ready') return;
    flushing = true;
    (async () => {
      // Drain what is pending (a storm queues more than one batch), then rest.
      while (!stopped && (await flushConnected(ctx)) >= 500);
    })()
      .catch((error: unknown) => log.warn({ err: error }, 'presence write-behind failed; retried on the next tick'))
      .finally(() => (flushing = false));
  }, FLUSH_MS);
  heartbeat.unref();
  sweep.unref();
  flush.unref();

  return () => {
    stopped = true;
    clearInterval(heartbeat);
    clearInterval(sweep);
    clearInterval(flush);
  };
}
