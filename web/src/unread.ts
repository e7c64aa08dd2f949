/**
 * Unread badges (issue 16), one store for the whole app: seeded from `GET /api/groups`
 * (`unreadCount` per group), kept live from the socket — `chat:message` from someone else
 * in a room this tab joined adds one (or, while that group's chat is on screen, is read at
 * once), `group:read` (I read it in another tab or device) clears it, `group:activity`
 * (a message in one of my groups, coalesced by the server) for a group whose room is not
 * open here refetches the counts (at most once a second: they are always the server's) —
 * and refetched after every reconnect (nothing missed while offline stays uncounted). The top bar's "Groups"
 * link and the group list show it, so the badges move while the user is elsewhere in the app.
 */
import { api } from './api';
import { emit, listen, onReconnect, session } from './session';

const counts = new Map<number, number>();
const listeners = new Set<() => void>();
/** The group whose chat is on screen (its new messages are read as they come), or null. */
let reading: number | null = null;
/** The group whose room this tab joined (its `chat:message`s count already), or null. */
let openRoom: number | null = null;
/** At most one `GET /api/groups` a second for `group:activity`. */
const REFRESH_GAP_MS = 1_000;
let lastRefreshAt = 0;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

const changed = (): void => {
  for (const fn of listeners) fn();
};

export function unreadOf(groupId: number): number {
  return counts.get(groupId) ?? 0;
}

export function totalUnread(): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

export function onUnread(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Replaces the counts with the server's (`GET /api/groups` items). */
export function setUnread(groups: readonly { id: number; unreadCount: number }[]): void {
  counts.clear();
  for (const g of groups) counts.set(g.id, g.unreadCount);
  changed();
}

export async function refreshUnread(): Promise<void> {
  setUnread(await api('GET /api/groups'));
}

/** Refetches the counts soon: at once after a quiet second, else when the second is over (one fetch for many calls). */
function refreshSoon(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(
    () => {
      refreshTimer = null;
      lastRefreshAt = Date.now();
      void refreshUnread().catch(() => undefined);
    },
    Math.max(0, lastRefreshAt + REFRESH_GAP_MS - Date.now()),
  );
}

/** This tab joined the group's room (`groupId`) or left it (null). */
export function setOpenRoom(groupId: number | null): void {
  openRoom = groupId;
}

/** Records that I read the group up to `messageId` (the server keeps the largest). */
export function markRead(groupId: number, messageId: number): void {
  if (counts.get(groupId)) {
    counts.set(groupId, 0);
    changed();
  }
  emit('chat:read', { groupId, messageId }).catch(() => undefined);
}

/** The group's chat is on screen (`groupId`) or not (null): new messages there are read at once. */
export function setReading(groupId: number | null): void {
  reading = groupId;
}

/** Starts the store for this sign-in; returns its cleanup. */
export function startUnread(): () => void {
  const offs = [
    listen('chat:message', ({ message }) => {
      if (message.userId === session.me?.userId) return;
      // On screen: the chat panel reads it (chatPanel's onNewest → markRead).
      if (reading === message.groupId && document.visibilityState === 'visible') return;
      counts.set(message.groupId, Math.min(999, (counts.get(message.groupId) ?? 0) + 1));
      changed();
    }),
    listen('group:read', ({ groupId }) => {
      counts.set(groupId, 0);
      changed();
    }),
    listen('group:activity', ({ groupId }) => {
      if (groupId !== openRoom) refreshSoon();
    }),
    onReconnect(() => void refreshUnread().catch(() => undefined)),
  ];
  void refreshUnread().catch(() => undefined);
  return () => {
    for (const off of offs) off();
    counts.clear();
    reading = null;
    openRoom = null;
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
  };
}

/** "3 unread", "999+ unread": the badge's text for screen readers. */
export const unreadLabel = (n: number): string => `${n >= 999 ? '999+' : n} unread ${n === 1 ? 'message' : 'messages'}`;

/** A badge element kept in sync with `count()`; hidden at zero. */
export function unreadBadge(count: () => number, testid: string, addCleanup: (fn: () => void) => void): HTMLElement {
  const badge = document.createElement('span');
  badge.className = 'unread-badge';
  badge.dataset.testid = testid;
  const render = (): void => {
    const n = count();
    badge.hidden = n === 0;
    const shown = document.createElement('span');
    shown.setAttribute('aria-hidden', 'true');
    shown.textContent = n >= 999 ? '999+' : String(n);
    const said = document.createElement('span');
    said.className = 'sr-only';
    said.textContent = ` (${unreadLabel(n)})`;
    badge.replaceChildren(shown, said);
    badge.dataset.count = String(n);
  };
  render();
  addCleanup(onUnread(render));
  return badge;
}
