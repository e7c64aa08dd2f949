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

export type PresenceChange = { userId: string; lastSeen: string } & ({ online: true; username: string } | { online: false });

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
  return createKeyedCoalescer<number, PresenceChange, Lists>({
    merge: mergeChange,
    worthSending: (lists) => lists.joins.size > 0 || lists.leaves.size > 0,
    send: (groupId, lists) => send({ groupId, joins: [...lists.joins.values()], leaves: [...lists.leaves.values()] }),
    windowMs,
    maxWindowMs,
    now,
  });
}
