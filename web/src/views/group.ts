/**
 * One group: header (live pill, invite code, invite, leave) and three tabs kept alive
 * together — Room (my timer, who is here, chat), Leaderboard, Resources — so live events
 * keep every panel current. Joins the Socket.IO room; while the connection is down the
 * pill says so and presence is marked stale; after a reconnect it re-joins (fresh room
 * state), catches up on missed chat and refetches members, stats, leaderboard, resources.
 *
 * On a phone the room is one column in the order a student needs it: my timer, who is
 * studying, then the chat (sized to the screen); the header's invite/leave actions fold
 * behind a button.
 */
import { api, errorText } from '../api';
import { clear, h, icon, toast } from '../dom';
import type { View } from '../view';
import { connection, emit, listen, onConnection, onReconnect, session } from '../session';
import type { Group } from '../types';
import { type Action, can, NEW_MEMBER_ROLE, type Standing, type Subject } from '../../../src/shared/policy';
import { chatPanel } from './chat';
import { leaderboardPanel } from './leaderboard';
import { resourcesPanel } from './resources';
import { roomPanel } from './room';
import { markRead, setOpenRoom, setReading } from '../unread';

const TABS = [
  ['room', 'Room'],
  ['leaderboard', 'Leaderboard'],
  ['resources', 'Resources'],
] as const;

export function groupView(groupId: number, initialTab: string): View {
  const disposers: (() => void)[] = [];
  let group: Group | null = null;
  /**
   * My standing here for the permission policy (src/shared/policy.ts, the table the
   * server enforces). Until the group has loaded I count as a plain member: whoever sees
   * the room is at least that.
   */
  const standing = (): Standing =>
    group
      ? { role: group.myRole, groupType: group.groupType, visibility: group.visibility }
      : { role: NEW_MEMBER_ROLE, groupType: 'leader_controlled', visibility: 'private' };
  const may = (action: Action, subject?: Subject): boolean => can(action, standing(), subject);

  const room = roomPanel(groupId);
  /** The chat is on screen (the Room tab): what it loads is read (unread badges, issue 16). */
  let chatShown = false;
  const readNewest = (messageId: number): void => {
    if (chatShown && document.visibilityState === 'visible') markRead(groupId, messageId);
  };
  const chat = chatPanel(groupId, room.nameOf, may, readNewest);
  const onVisible = (): void => readNewest(chat.newestId());
  document.addEventListener('visibilitychange', onVisible);
  disposers.push(
    () => document.removeEventListener('visibilitychange', onVisible),
    () => setReading(null),
    () => setOpenRoom(null),
  );
  setOpenRoom(groupId);
  const board = leaderboardPanel(groupId);
  const resources = resourcesPanel(groupId, room.nameOf, () => may('resource.add'));
  disposers.push(room.destroy, chat.destroy, board.destroy, resources.destroy);

  const title = h('h1', { testid: 'group-title', class: 'group-title' }, 'Loading…');
  const description = h('p', { class: 'muted group-description' });
  const headerExtras = h('div', { class: 'row wrap group-actions', id: `group-actions-${groupId}`, testid: 'group-actions' });
  const status = h('span', { class: 'pill live', testid: 'room-status', 'data-state': 'joining' }, 'Joining…');
  const actionsToggle = h(
    'button',
    {
      class: 'btn ghost small actions-toggle',
      type: 'button',
      testid: 'group-actions-toggle',
      'aria-expanded': 'false',
      'aria-controls': `group-actions-${groupId}`,
    },
    'Invite · Leave',
    icon('chevron', 16),
  );
  actionsToggle.addEventListener('click', () => {
    const open = !headerExtras.classList.contains('open');
    headerExtras.classList.toggle('open', open);
    actionsToggle.setAttribute('aria-expanded', String(open));
  });
  const tabButtons = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Group sections', testid: 'group-tabs' },
    TABS.map(([id, label]) => h('a', { href: `#/g/${groupId}/${id}`, testid: `tab-${id}`, 'data-tab': id }, label)),
  );
  const panels: Record<string, HTMLElement> = {
    room: h(
      'div',
      { class: 'room-layout', testid: 'panel-room', role: 'region', 'aria-label': 'Room' },
      h('div', { class: 'side' }, room.myTimer, room.members),
      chat.el,
    ),
    leaderboard: h('div', { class: 'single', testid: 'panel-leaderboard', role: 'region', 'aria-label': 'Leaderboard' }, board.el),
    resources: h('div', { class: 'single', testid: 'panel-resources', role: 'region', 'aria-label': 'Resources' }, resources.el),
  };
  const el = h(
    'div',
    { class: 'page group-page', testid: 'group-page', 'data-group-id': groupId },
    h(
      'div',
      { class: 'group-header' },
      h('div', { class: 'group-heading' }, h('div', { class: 'title-row' }, title, status), description),
      actionsToggle,
      headerExtras,
    ),
    tabButtons,
    Object.values(panels),
  );
  const showTab = (tab: string): void => {
    const t = tab in panels ? tab : 'room';
    for (const [id, p] of Object.entries(panels)) p.hidden = id !== t;
    chatShown = t === 'room';
    setReading(chatShown ? groupId : null);
    if (chatShown && chat.newestId() > 0) readNewest(chat.newestId());
    for (const a of tabButtons.children) {
      const active = (a as HTMLElement).dataset.tab === t;
      a.classList.toggle('active', active);
      if (active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  };
  showTab(initialTab);

  const renderHeader = (): void => {
    if (!group) return;
    title.textContent = group.groupName;
    document.title = `${group.groupName} · StudySync`;
    description.textContent = group.description ?? '';
    clear(headerExtras);
    if (group.inviteCode) {
      const code = h('code', { testid: 'invite-code', 'aria-label': `Invite code ${group.inviteCode}` }, group.inviteCode);
      headerExtras.append(
        h('span', { class: 'small muted' }, 'Invite code '),
        code,
        h(
          'button',
          {
            class: 'btn link small',
            type: 'button',
            onclick: () =>
              api('POST /api/groups/:id/invite-code', { params: { id: groupId } })
                .then((r) => {
                  if (group) group.inviteCode = r.inviteCode;
                  renderHeader();
                })
                .catch((e) => toast(errorText(e), 'error')),
            title: 'Make a new invite code (the old one stops working)',
          },
          'New code',
        ),
      );
    }
    if (may('member.invite')) headerExtras.append(inviteByUsername(groupId));
    if (group.inviteCode) {
      const link = `${location.origin}/join/${encodeURIComponent(group.inviteCode)}`;
      headerExtras.append(
        h(
          'button',
          {
            class: 'btn link small',
            type: 'button',
            testid: 'copy-share-link',
            title: link,
            onclick: () =>
              navigator.clipboard
                .writeText(link)
                .then(() => toast('Share link copied'))
                .catch(() => window.prompt('Copy the share link', link)),
          },
          'Copy share link',
        ),
      );
    }
    headerExtras.append(
      h(
        'button',
        {
          class: 'btn ghost small',
          type: 'button',
          testid: 'leave-group',
          onclick: () => {
            if (!window.confirm(`Leave ${group?.groupName}?`)) return;
            api('POST /api/groups/:id/leave', { params: { id: groupId } })
              .then(() => (location.hash = '#/'))
              .catch((e) => toast(errorText(e), 'error'));
          },
        },
        'Leave',
      ),
    );
  };

  const loadGroup = async (): Promise<void> => {
    try {
      group = await api('GET /api/groups/:id', { params: { id: groupId } });
      renderHeader();
      resources.syncControls();
    } catch (e) {
      title.textContent = 'Group unavailable';
      description.textContent = errorText(e);
    }
  };

  /** The pill: Joining… → Live; Reconnecting… / Offline while the connection is down. */
  const setStatus = (state: 'joining' | 'live' | 'reconnecting' | 'offline' | 'failed'): void => {
    status.dataset.state = state;
    status.className = `pill live ${state === 'live' ? 'on' : state}`;
    status.textContent = { joining: 'Joining…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline', failed: 'Not live' }[state];
  };
  let joined = false;
  const join = async (): Promise<void> => {
    joined = false;
    setStatus('joining');
    try {
      const r = await emit('room:join', { groupId });
      room.applyState(r.state);
      joined = true;
      if (connection.state === 'live') setStatus('live');
    } catch (e) {
      if (connection.state !== 'live') return; // the connection dropped meanwhile: the reconnect joins again
      setStatus('failed');
      toast(`Could not join the room: ${errorText(e)}`, 'error');
    }
  };
  const onConnectionChange = (): void => {
    const state = connection.state;
    if (state === 'live') {
      if (joined) setStatus('live');
      return;
    }
    joined = false;
    room.setStale(true);
    setStatus(state === 'offline' ? 'offline' : state === 'reconnecting' ? 'reconnecting' : 'joining');
  };

  disposers.push(
    onConnection(onConnectionChange),
    onReconnect(() => {
      void join();
      void room.refreshMembers();
      room.refreshStats();
      chat.catchUp().catch((e) => toast(`Could not fetch missed messages: ${errorText(e)}`, 'error'));
      void board.refresh();
      void resources.refresh();
      void loadGroup();
    }),
    listen('member:joined', (p) => p.groupId === groupId && void room.refreshMembers()),
    listen('member:left', (p) => {
      if (p.groupId !== groupId) return;
      if (p.userId === session.me?.userId) {
        toast('You are no longer a member of this group.');
        location.hash = '#/';
      } else void room.refreshMembers();
    }),
    listen('member:updated', (p) => {
      if (p.groupId !== groupId) return;
      void room.refreshMembers();
      if (p.userId === session.me?.userId) void loadGroup();
    }),
    listen('group:updated', ({ group: g }) => {
      if (g.id === groupId) void loadGroup();
    }),
    listen('group:deleted', (p) => {
      if (p.groupId !== groupId) return;
      toast('This group was deleted.');
      location.hash = '#/';
    }),
  );

  void loadGroup();
  void room.refreshMembers().then(() => join());
  if (connection.state === 'reconnecting' || connection.state === 'offline') onConnectionChange();
  return {
    el,
    update: (route) => {
      if (route[0] !== 'g' || Number(route[1]) !== groupId) return false;
      showTab(route[2] ?? 'room');
      return true;
    },
    destroy: () => {
      for (const d of disposers) d();
      if (session.socket?.connected) session.socket.emit('room:leave', { groupId }, () => undefined);
    },
  };
}

/**
 * Invite by username (issue 16): suggestions from `GET /api/users?search=` (2+ characters,
 * asked at most every 300 ms while typing) in a datalist; sends `{username}`.
 */
function inviteByUsername(groupId: number): HTMLElement {
  const listId = `invite-suggestions-${groupId}`;
  const suggestions = h('datalist', { id: listId, testid: 'invite-suggestions' });
  const who = h('input', {
    placeholder: 'username to invite',
    class: 'small-input',
    testid: 'invite-username',
    'aria-label': 'Username to invite',
    list: listId,
    autocomplete: 'off',
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = '';
  who.addEventListener('input', () => {
    clearTimeout(timer);
    const prefix = who.value.trim();
    if (prefix.length < 2) return;
    timer = setTimeout(() => {
      asked = prefix;
      api('GET /api/users', { query: { search: prefix, limit: 10 } })
        .then((page) => {
          if (asked !== prefix) return;
          clear(
            suggestions,
            page.items.map((u) => h('option', { value: u.username }, [u.firstName, u.lastName].filter(Boolean).join(' ') || u.username)),
          );
        })
        .catch(() => undefined); // suggestions only: typing the whole name still works
    }, 300);
  });
  return h(
    'form',
    {
      class: 'row',
      testid: 'invite-form',
      onsubmit: (e: SubmitEvent) => {
        e.preventDefault();
        const username = who.value.trim();
        if (!username) return;
        api('POST /api/groups/:id/invitations', { params: { id: groupId }, body: { username } })
          .then(() => {
            who.value = '';
            toast(`Invitation sent to ${username}`);
          })
          .catch((err) => toast(errorText(err), 'error'));
      },
    },
    who,
    suggestions,
    h('button', { class: 'btn ghost small', type: 'submit' }, 'Invite'),
  );
}
