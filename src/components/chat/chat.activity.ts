import type { AppContext } from '../../context';
import { createKeyedCoalescer, type KeyedCoalescer } from '../../realtime/coalesce';
import { membersOf } from '../presence';

/** How often a group's members hear `group:activity` at most, from one API node. */
export const ACTIVITY_WINDOW_MS = 2_000;

const coalescers = new WeakMap<AppContext, KeyedCoalescer<number, string>>();

/**
 * `group:activity {groupId, lastMessageAt}` to every member of the group (in their user
 * rooms: whatever room they joined, so the group list's badges move), coalesced per
 * group on this node: the first message after a quiet window goes out at once, later
 * ones in the window go out as one event with the latest `lastMessageAt` when it ends.
 * The members come from the membership cache (no query once warm); a failed lookup
 * only loses a hint (the client's counts come from `GET /api/groups`).
 */
export function announceActivity(ctx: AppContext, groupId: number, lastMessageAt: string): void {
  coalescerOf(ctx).add(groupId, lastMessageAt);
}

/** The node stops: pending `group:activity` is dropped (a hint: clients refetch on reconnect) and later messages announce none. */
export function stopActivity(ctx: AppContext): void {
  coalescerOf(ctx).close();
}

function coalescerOf(ctx: AppContext): KeyedCoalescer<number, string> {
  let coalescer = coalescers.get(ctx);
  if (!coalescer) {
    const log = ctx.logger.child({ component: 'chat' });
    coalescer = createKeyedCoalescer<number, string, string>({
      // ISO instants of one clock order as strings.
      merge: (pending, at) => (pending === undefined || at > pending ? at : pending),
      send: (id, at) => {
        membersOf(ctx, id)
          .then((members) =>
            ctx.broadcast.toUsers(
              members.map((m) => m.userId),
              'group:activity',
              { groupId: id, lastMessageAt: at },
            ),
          )
          .catch((error: unknown) => log.warn({ err: error, groupId: id }, 'group:activity not sent'));
      },
      windowMs: ACTIVITY_WINDOW_MS,
    });
    coalescers.set(ctx, coalescer);
  }
  return coalescer;
}
