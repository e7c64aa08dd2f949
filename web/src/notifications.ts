/**
 * The bell: unread count, a dropdown list, mark read; live via `notification:new`.
 * Choosing an item marks it read, closes the panel and opens what it is about (the
 * group, or the invitations on the groups page).
 */
import { api, errorText } from './api';
import { clear, formatTime, h, icon, toast } from './dom';
import { listen, onReconnect } from './session';
import type { Notification } from './types';

/** Where a notification leads: invitations are answered on the groups page, the rest is about a group. */
function targetOf(n: Notification): string | null {
  const data = (n.data ?? {}) as { groupId?: unknown };
  if (n.notificationType === 'invitation_received') return '#/';
  return typeof data.groupId === 'number' ? `#/g/${data.groupId}` : null;
}

export function notificationBell(onCleanup: (fn: () => void) => void): HTMLElement {
  let unread = 0;
  const badge = h('span', { class: 'badge', testid: 'notif-count', hidden: true, 'aria-hidden': 'true' });
  const list = h('ul', { class: 'notif-list', testid: 'notif-list' });
  const button = h(
    'button',
    { class: 'bell', type: 'button', 'aria-label': 'Notifications', 'aria-expanded': 'false', 'aria-controls': 'notif-panel', testid: 'notif-bell' },
    icon('bell', 22),
    badge,
  );
  const panel = h(
    'div',
    { class: 'notif-panel card', id: 'notif-panel', hidden: true, testid: 'notif-panel', role: 'region', 'aria-label': 'Notifications' },
    h(
      'div',
      { class: 'row between' },
      h('h2', { class: 'panel-title' }, 'Notifications'),
      h(
        'button',
        {
          class: 'btn link small',
          type: 'button',
          testid: 'notif-read-all',
          onclick: () =>
            api('POST /api/notifications/read-all')
              .then(() => {
                for (const li of list.querySelectorAll('.unread')) li.classList.remove('unread');
                setUnread(0);
              })
              .catch((e) => toast(errorText(e), 'error')),
        },
        'Mark all read',
      ),
    ),
    list,
  );
  const setUnread = (n: number): void => {
    unread = Math.max(0, n);
    badge.hidden = unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    button.setAttribute('aria-label', unread ? `Notifications, ${unread} unread` : 'Notifications');
  };
  const setOpen = (open: boolean): void => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) void load();
  };
  const item = (n: Notification): HTMLElement => {
    const target = targetOf(n);
    const choose = h(
      'button',
      { class: `notif-item ${n.isRead ? '' : 'unread'}`, type: 'button', testid: 'notif-item' },
      h('span', { class: 'notif-text' }, n.notificationMessage),
      h('time', { class: 'muted small', datetime: n.createdAt }, formatTime(n.createdAt)),
      n.isRead ? null : h('span', { class: 'sr-only' }, ' (unread)'),
    );
    choose.addEventListener('click', () => {
      setOpen(false);
      button.focus();
      if (target) location.hash = target;
      if (!choose.classList.contains('unread')) return;
      choose.classList.remove('unread');
      choose.querySelector('.sr-only')?.remove();
      setUnread(unread - 1);
      api('POST /api/notifications/:id/read', { params: { id: n.id } }).catch((e) => {
        toast(errorText(e), 'error');
        refreshCount();
      });
    });
    return h('li', null, choose);
  };
  const load = async (): Promise<void> => {
    try {
      const page = await api('GET /api/notifications', { query: { limit: 20 } });
      clear(list, page.items.length ? page.items.map(item) : h('li', { class: 'muted empty' }, 'Nothing yet.'));
    } catch (e) {
      clear(list, h('li', { class: 'muted empty' }, errorText(e)));
    }
  };
  const refreshCount = (): void => {
    api('GET /api/notifications/unread-count')
      .then((r) => setUnread(r.count))
      .catch(() => undefined);
  };
  refreshCount();
  // Notifications sent while the socket was down are fetched, not lost.
  onCleanup(
    onReconnect(() => {
      refreshCount();
      if (!panel.hidden) void load();
    }),
  );
  onCleanup(
    listen('notification:new', ({ notification }) => {
      setUnread(unread + 1);
      list.querySelector('.empty')?.remove();
      list.prepend(item(notification));
      toast(notification.notificationMessage);
    }),
  );
  button.addEventListener('click', () => setOpen(panel.hidden));
  const wrap = h('div', { class: 'bell-wrap' }, button, panel);
  const outside = (e: MouseEvent): void => {
    if (!wrap.contains(e.target as Node)) setOpen(false);
  };
  const onEscape = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || panel.hidden) return;
    setOpen(false);
    button.focus();
  };
  document.addEventListener('click', outside);
  document.addEventListener('keydown', onEscape);
  onCleanup(() => document.removeEventListener('click', outside));
  onCleanup(() => document.removeEventListener('keydown', onEscape));
  return wrap;
}
