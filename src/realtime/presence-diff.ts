import { createKeyedCoalescer, type KeyedCoalescer } from './coalesce';

/**
 * Coalesces a room's presence transitions into `presence:diff` events: every transition
 * this process decides is queued under its room, and a room's queue goes out as one
 * event at most once per `windowMs` (the first transition after a quiet period goes out
 * at once, on the next tick). A user appears in at most one list of a diff: the later
 * transition wins (a join then a leave within the window is a leave).
 *
 * Per process: each API node coalesces the transitions it decides itself, so a room
 * whose members are spread over N nodes receives up to N diffs per window.
 */
export interface PresenceJoin {
  userId: string;
  username: string;
  lastSeen: string;
}
export interface PresenceLeave {
  userId: string;
  lastSeen: string;
}
export interface PresenceDiff {
  groupId: number;
  joins: PresenceJoin[];
  leaves: PresenceLeave[];
}

/**
 * `seq`: the transition's number in its group (presence.store.ts numbers them in the order
 * Redis decided them). A change older than one already queued or sent for the same user
 * arrived late (its reply was handled after a later one's) and is dropped: the later
 * transition is the user's state. Without `seq`, arrival order counts.
 */
export type PresenceChange = { userId: string; lastSeen: string; seq?: number } & ({ online: true; username: string } | { online: false });

export type PresenceCoalescer = KeyedCoalescer<number, PresenceChange>;

interface Lists {
  joins: Map<string, PresenceJoin>;
  leaves: Map<string, PresenceLeave>;
}

/** The later transition of a user wins: a user is in at most one list. */
function mergeChange(pending: Lists | undefined, change: PresenceChange): Lists {
  const lists = pending ?? { joins: new Map(), leaves: new Map() };
  if (change.online) {
    lists.leaves.delete(change.userId);
    lists.joins.set(change.userId, { userId: change.userId, username: change.username, lastSeen: change.lastSeen });
  } else {
    lists.joins.delete(change.userId);
    lists.leaves.set(change.userId, { userId: change.userId, lastSeen: change.lastSeen });
  }
  return lists;
}

/**
 * `windowMs` 200: a room's first transition after a quiet spell is shown at once, the next
 * within 200 ms; a busy room's window widens up to `maxWindowMs` (1 s, see coalesce.ts).
 */
export function createPresenceCoalescer(
  send: (diff: PresenceDiff) => void,
  windowMs = 200,
  now: () => number = Date.now,
  maxWindowMs = 1000,
): PresenceCoalescer {
  const coalescer = createKeyedCoalescer<number, PresenceChange, Lists>({
    merge: mergeChange,
    worthSending: (lists) => lists.joins.size > 0 || lists.leaves.size > 0,
    send: (groupId, lists) => send({ groupId, joins: [...lists.joins.values()], leaves: [...lists.leaves.values()] }),
    windowMs,
    maxWindowMs,
    now,
  });
  const latest = latestTransitions(now);
  return { ...coalescer, add: (groupId, change) => latest.isCurrent(groupId, change) && coalescer.add(groupId, change) };
}

/**
 * How long a user's latest transition number is remembered. Late replies are those
 * handled in the same read as a later one, so microseconds late; the margin is wide.
 * (Redis wiped: numbering restarts, so a user's transition within this margin of one
 * numbered before the wipe is dropped, and the room shows that user as before until
 * their next transition: a wipe already loses every presence entry, see REALTIME.md.)
 */
const REMEMBER_MS = 10_000;

/** Per (group, user) the latest transition number seen, for `REMEMBER_MS`. */
function latestTransitions(now: () => number): { isCurrent(groupId: number, change: PresenceChange): boolean } {
  const latest = new Map<string, { seq: number; at: number }>();
  let prunedAt = now();
  return {
    isCurrent(groupId, change) {
      if (change.seq === undefined) return true;
      const t = now();
      if (t - prunedAt > REMEMBER_MS) {
        for (const [key, entry] of latest) if (t - entry.at > REMEMBER_MS) latest.delete(key);
        prunedAt = t;
      }
      const key = `${groupId}|${change.userId}`;
      const known = latest.get(key);
      if (known && known.seq > change.seq && t - known.at <= REMEMBER_MS) return false;
      latest.set(key, { seq: change.seq, at: t });
      return true;
    },
  };
}
