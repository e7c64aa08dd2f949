/**
 * Presence entries are per socket and per group: `socketId|userId`, scored by the
 * instant (ms) they expire unless refreshed. A user is online in a group while at
 * least one of their entries has not expired, whichever node holds the socket.
 */
export const presenceEntry = (socketId: string, userId: string): string => `${socketId}|${userId}`;

export function userOfEntry(entry: string): string {
  return entry.slice(entry.indexOf('|') + 1);
}

/** Each node refreshes its sockets' entries three times per TTL, and sweeps as often. */
export function presenceIntervals(ttlSeconds: number): { heartbeatMs: number; sweepMs: number } {
  const third = Math.max(250, Math.floor((ttlSeconds * 1000) / 3));
  return { heartbeatMs: third, sweepMs: third };
}

/** Users whose entries all expired (of the `expired` ones, those with no entry still live). */
export function usersGoneOffline(expired: string[], live: string[]): string[] {
  const stillOnline = new Set(live.map(userOfEntry));
  return [...new Set(expired.map(userOfEntry))].filter((userId) => !stillOnline.has(userId));
}
