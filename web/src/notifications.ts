/** The bell: unread count, a dropdown list, mark read; live via `notification:new`. */
import { api, errorText } from './api';
import { clear, formatTime, h, icon, toast } from './dom';
import { listen } from './session';
import type { Notification, Page } from './types';

export function notificationBell(onCleanup: (fn: () => void) => void): HTMLElement {
  let unread = 0;
  const badge = h('span', { class: 'badge', testid: 'notif-count', hidden: true });
  const list = h('ul', { class: 'notif-list', testid: 'notif-list' });
  const panel = h(
    'div',
    { class: 'notif-panel card', hidden: true, testid: 'notif-panel' },
    h(
      'div',
      { class: 'row between' },
      h('strong', null, 'Notifications'),
      h(
        'button',
        {
          class: 'btn link small',
          type: 'button',
          testid: 'notif-read-all',
          onclick: () =>
            api
              .post('/notifications/read-all')
              .then(() => {
                for (const li of list.children) li.classList.remove('unread');
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
  };
  const item = (n: Notification): HTMLElement => {
    const li = h(
      'li',
      { class: n.isRead ? '' : 'unread', testid: 'notif-item' },
      h('span', { class: 'notif-text' }, n.notificationMessage),
      h('time', { class: 'muted small' }, formatTime(n.createdAt)),
    );
    li.addEventListener('click', () => {
      if (!li.classList.contains('unread')) return;
      api
        .post(`/notifications/${n.id}/read`)
        .then(() => {
          li.classList.remove('unread');
          setUnread(unread - 1);
        })
        .catch((e) => toast(errorText(e), 'error'));
    });
    return li;
  };
  const load = async (): Promise<void> => {
    try {
      const page = await api.get<Page<Notification>>('/notifications?limit=20');
      clear(list, page.items.length ? page.items.map(item) : h('li', { class: 'muted empty' }, 'Nothing yet.'));
    } catch (e) {
      clear(list, h('li', { class: 'muted empty' }, errorText(e)));
    }
  };
  const refreshCount = (): void => {
    api
      .get<{ count: number }>('/notifications/unread-count')
      .then((r) => setUnread(r.count))
      .catch(() => undefined);
  };
  refreshCount();
  onCleanup(
    listen('notification:new', ({ notification }) => {
      setUnread(unread + 1);
      list.querySelector('.empty')?.remove();
      list.prepend(item(notification));
      toast(notification.notificationMessage);
    }),
  );
  const button = h('button', { class: 'bell', type: 'button', 'aria-label': 'Notifications', testid: 'notif-bell' }, icon('bell', 22), badge);
  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    if (!panel.hidden) void load();
  });
  const close = (e: MouseEvent): void => {
    if (!wrap.contains(e.target as Node)) panel.hidden = true;
  };
  document.addEventListener('click', close);
  onCleanup(() => document.removeEventListener('click', close));
  const wrap = h('div', { class: 'bell-wrap' }, button, panel);
  return wrap;
}
