/**
 * One group: header (invite code, invite, leave) and three tabs kept alive together —
 * Room (my timer, members, chat), Leaderboard, Resources — so live events keep every
 * panel current. Joins the Socket.IO room; after a reconnect re-joins, refetches the
 * room state and catches up on missed chat.
 */
import { api, errorText } from '../api';
import { clear, h, toast } from '../dom';
import type { View } from '../view';
import { emit, listen, onReconnect, session } from '../session';
import type { Group, RoomState } from '../types';
import { chatPanel } from './chat';
import { leaderboardPanel } from './leaderboard';
import { resourcesPanel } from './resources';
import { roomPanel } from './room';

const TABS = [
  ['room', 'Room'],
  ['leaderboard', 'Leaderboard'],
  ['resources', 'Resources'],
] as const;

export function groupView(groupId: number, initialTab: string): View {
  const disposers: (() => void)[] = [];
  let group: Group | null = null;
  const isStaff = (): boolean => group?.myRole === 'leader' || group?.myRole === 'admin';
  const canEditResources = (): boolean => group?.groupType === 'community' || isStaff();

  const room = roomPanel(groupId);
  const chat = chatPanel(groupId, room.nameOf, isStaff);
  const board = leaderboardPanel(groupId);
  const resources = resourcesPanel(groupId, room.nameOf, canEditResources);
  disposers.push(room.destroy, chat.destroy, board.destroy, resources.destroy);

  const title = h('h1', { testid: 'group-title' }, 'Loading…');
  const description = h('p', { class: 'muted' });
  const headerExtras = h('div', { class: 'row wrap group-actions' });
  const status = h('span', { class: 'pill live', testid: 'room-status' }, 'joining…');
  const tabButtons = h(
    'nav',
    { class: 'tabs', role: 'tablist' },
    TABS.map(([id, label]) => h('a', { href: `#/g/${groupId}/${id}`, role: 'tab', testid: `tab-${id}`, 'data-tab': id }, label)),
  );
  const panels: Record<string, HTMLElement> = {
    room: h('div', { class: 'room-layout', testid: 'panel-room' }, h('div', { class: 'side' }, room.myTimer, room.members), chat.el),
    leaderboard: h('div', { class: 'single', testid: 'panel-leaderboard' }, board.el),
    resources: h('div', { class: 'single', testid: 'panel-resources' }, resources.el),
  };
  const el = h(
    'div',
    { class: 'page group-page', testid: 'group-page', 'data-group-id': groupId },
    h('div', { class: 'group-header' }, h('div', null, h('div', { class: 'row' }, title, status), description), headerExtras),
    tabButtons,
    Object.values(panels),
  );
  const showTab = (tab: string): void => {
    const t = tab in panels ? tab : 'room';
    for (const [id, p] of Object.entries(panels)) p.hidden = id !== t;
    for (const a of tabButtons.children) a.classList.toggle('active', (a as HTMLElement).dataset.tab === t);
  };
  showTab(initialTab);

  const renderHeader = (): void => {
    if (!group) return;
    title.textContent = group.groupName;
    description.textContent = group.description ?? '';
    clear(headerExtras);
    if (group.inviteCode) {
      const code = h('code', { testid: 'invite-code' }, group.inviteCode);
      headerExtras.append(
        h('span', { class: 'small muted' }, 'Invite code '),
        code,
        h(
          'button',
          {
            class: 'btn link small',
            type: 'button',
            onclick: () =>
              api
                .post<{ inviteCode: string }>(`/groups/${groupId}/invite-code`)
                .then((r) => {
                  if (group) group.inviteCode = r.inviteCode;
                  renderHeader();
                })
                .catch((e) => toast(errorText(e), 'error')),
          },
          'New code',
        ),
      );
    }
    if (isStaff() || group.groupType === 'community') {
      const who = h('input', { placeholder: 'user id to invite', class: 'small-input', testid: 'invite-user-id' });
      headerExtras.append(
        h(
          'form',
          {
            class: 'row',
            onsubmit: (e: SubmitEvent) => {
              e.preventDefault();
              api
                .post(`/groups/${groupId}/invitations`, { invitedUserId: who.value.trim() })
                .then(() => {
                  who.value = '';
                  toast('Invitation sent');
                })
                .catch((err) => toast(errorText(err), 'error'));
            },
          },
          who,
          h('button', { class: 'btn ghost small', type: 'submit' }, 'Invite'),
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
            api
              .post(`/groups/${groupId}/leave`)
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
      group = await api.get<Group>(`/groups/${groupId}`);
      renderHeader();
      resources.syncControls();
    } catch (e) {
      title.textContent = 'Group unavailable';
      description.textContent = errorText(e);
    }
  };

  const join = async (): Promise<void> => {
    status.textContent = 'joining…';
    status.className = 'pill';
    try {
      const r = await emit<{ state: RoomState }>('room:join', { groupId });
      room.applyState(r.state);
      status.textContent = 'live';
      status.className = 'pill live on';
    } catch (e) {
      status.textContent = 'offline';
      toast(`Could not join the room: ${errorText(e)}`, 'error');
    }
  };

  disposers.push(
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
  return {
    el,
    update: (route) => {
      if (route[0] !== 'g' || Number(route[1]) !== groupId) return false;
      showTab(route[2] ?? 'room');
      return true;
    },
    destroy: () => {
      for (const dispose of disposers) dispose();
      if (session.socket?.connected) session.socket.emit('room:leave', { groupId }, () => undefined);
    },
  };
}
