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

export interface PresenceCoalescer {
  add(groupId: number, change: PresenceChange): void;
  /** Sends every pending diff now (tests, shutdown). */
  flush(): void;
  /** Stops the timers; pending diffs are dropped. */
  close(): void;
}

interface Pending {
  joins: Map<string, PresenceJoin>;
  leaves: Map<string, PresenceLeave>;
  timer: NodeJS.Timeout | null;
}

export function createPresenceCoalescer(send: (diff: PresenceDiff) => void, windowMs = 200, now: () => number = Date.now): PresenceCoalescer {
  const pending = new Map<number, Pending>();
  const lastSent = new Map<number, number>();
  let closed = false;

  const sendRoom = (groupId: number): void => {
    const room = pending.get(groupId);
    if (!room) return;
    if (room.timer) clearTimeout(room.timer);
    pending.delete(groupId);
    if (room.joins.size === 0 && room.leaves.size === 0) return;
    lastSent.set(groupId, now());
    send({ groupId, joins: [...room.joins.values()], leaves: [...room.leaves.values()] });
  };

  const forgetQuietRooms = (): void => {
    // Rooms quiet for longer than a window need no memory of their last diff.
    if (lastSent.size < 1024) return;
    const horizon = now() - windowMs;
    for (const [groupId, at] of lastSent) if (at < horizon) lastSent.delete(groupId);
  };

  return {
    add(groupId, change) {
      if (closed) return;
      let room = pending.get(groupId);
      if (!room) {
        room = { joins: new Map(), leaves: new Map(), timer: null };
        pending.set(groupId, room);
        forgetQuietRooms();
        const wait = Math.max(0, (lastSent.get(groupId) ?? Number.NEGATIVE_INFINITY) + windowMs - now());
        room.timer = setTimeout(() => sendRoom(groupId), wait);
        room.timer.unref();
      }
      if (change.online) {
        room.leaves.delete(change.userId);
        room.joins.set(change.userId, { userId: change.userId, username: change.username, lastSeen: change.lastSeen });
      } else {
        room.joins.delete(change.userId);
        room.leaves.set(change.userId, { userId: change.userId, lastSeen: change.lastSeen });
      }
    },
    flush() {
      for (const groupId of [...pending.keys()]) sendRoom(groupId);
    },
    close() {
      closed = true;
      for (const room of pending.values()) if (room.timer) clearTimeout(room.timer);
      pending.clear();
    },
  };
}
