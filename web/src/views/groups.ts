/** My groups, discovery, create, join by invite code, invitations. */
import { api, errorText, qs } from '../api';
import { clear, h, toast } from '../dom';
import type { View } from '../view';
import { listen } from '../session';
import type { Group, Invitation, Page } from '../types';

function groupCard(g: Group, action?: HTMLElement): HTMLElement {
  return h(
    'article',
    { class: 'card group-card', testid: `group-card-${g.id}` },
    h(
      'div',
      { class: 'row between' },
      h('a', { class: 'group-name', href: `#/g/${g.id}`, testid: 'group-link' }, g.groupName),
      h('span', { class: `pill ${g.visibility}` }, g.visibility),
    ),
    g.description ? h('p', { class: 'muted clamp' }, g.description) : null,
    h(
      'div',
      { class: 'row between small muted' },
      h('span', null, `${g.memberCount}${g.maxMembers ? ` / ${g.maxMembers}` : ''} members · ${g.groupType === 'community' ? 'community' : 'leader-led'}`),
      g.myRole ? h('span', { class: 'pill role' }, g.myRole) : (action ?? null),
    ),
  );
}

export function groupsView(): View {
  const disposers: (() => void)[] = [];
  const mine = h('div', { class: 'grid cards', testid: 'my-groups' });
  const discover = h('div', { class: 'grid cards', testid: 'discover-list' });
  const invitations = h('div', { class: 'stack', testid: 'invitations' });
  const more = h('button', { class: 'btn ghost', type: 'button', hidden: true }, 'Load more');
  let cursor: string | number | null = null;
  const search = h('input', { type: 'search', placeholder: 'Search public groups…', testid: 'discover-search' });

  const loadMine = async (): Promise<void> => {
    try {
      const groups = await api.get<Group[]>('/groups');
      clear(
        mine,
        groups.length ? groups.map((g) => groupCard(g)) : h('p', { class: 'muted empty' }, 'You are in no group yet — create one or join one below.'),
      );
    } catch (e) {
      clear(mine, h('p', { class: 'form-error' }, errorText(e)));
    }
  };
  const loadDiscover = async (append = false): Promise<void> => {
    try {
      const page = await api.get<Page<Group>>(`/groups/discover${qs({ q: search.value.trim(), limit: 12, cursor: append ? cursor : null })}`);
      cursor = page.nextCursor;
      more.hidden = !cursor;
      const cards = page.items.map((g) =>
        groupCard(
          g,
          h(
            'button',
            {
              class: 'btn primary small',
              type: 'button',
              testid: 'join-group',
              onclick: () =>
                api
                  .post(`/groups/${g.id}/join`)
                  .then(() => (location.hash = `#/g/${g.id}`))
                  .catch((e) => toast(errorText(e), 'error')),
            },
            'Join',
          ),
        ),
      );
      if (append) discover.append(...cards);
      else clear(discover, cards.length ? cards : h('p', { class: 'muted empty' }, 'No public groups match.'));
    } catch (e) {
      clear(discover, h('p', { class: 'form-error' }, errorText(e)));
    }
  };
  const loadInvitations = async (): Promise<void> => {
    try {
      const items = await api.get<Invitation[] | Page<Invitation>>('/invitations');
      const list = Array.isArray(items) ? items : items.items;
      clear(
        invitations,
        list.map((inv) =>
          h(
            'div',
            { class: 'card invitation row between', testid: 'invitation' },
            h('div', null, h('strong', null, inv.groupName), inv.invitationMessage ? h('p', { class: 'muted small' }, inv.invitationMessage) : null),
            h(
              'div',
              { class: 'row' },
              h(
                'button',
                {
                  class: 'btn primary small',
                  type: 'button',
                  testid: 'invitation-accept',
                  onclick: () =>
                    api
                      .post(`/invitations/${inv.id}/accept`)
                      .then(() => (location.hash = `#/g/${inv.groupId}`))
                      .catch((e) => toast(errorText(e), 'error')),
                },
                'Accept',
              ),
              h(
                'button',
                {
                  class: 'btn ghost small',
                  type: 'button',
                  testid: 'invitation-decline',
                  onclick: () =>
                    api
                      .post(`/invitations/${inv.id}/decline`)
                      .then(() => loadInvitations())
                      .catch((e) => toast(errorText(e), 'error')),
                },
                'Decline',
              ),
            ),
          ),
        ),
      );
      invitationsSection.hidden = list.length === 0;
    } catch {
      invitationsSection.hidden = true;
    }
  };

  const name = h('input', { name: 'groupName', required: true, maxlength: 100, placeholder: 'Algorithms study circle', testid: 'create-name' });
  const description = h('textarea', { name: 'description', rows: 2, placeholder: 'What you study together', testid: 'create-description' });
  const visibility = h(
    'select',
    { testid: 'create-visibility' },
    h('option', { value: 'public' }, 'Public — anyone can find and join'),
    h('option', { value: 'private' }, 'Private — invite only'),
  );
  const groupType = h(
    'select',
    { testid: 'create-type' },
    h('option', { value: 'community' }, 'Community — every member shares resources'),
    h('option', { value: 'leader_controlled' }, 'Leader-led — leaders manage resources'),
  );
  const maxMembers = h('input', { type: 'number', min: 2, max: 1000, placeholder: 'no limit', testid: 'create-max' });
  const createForm = h(
    'form',
    {
      class: 'card stack',
      testid: 'create-group',
      onsubmit: (e: SubmitEvent) => {
        e.preventDefault();
        const body: Record<string, unknown> = { groupName: name.value.trim(), visibility: visibility.value, groupType: groupType.value };
        if (description.value.trim()) body.description = description.value.trim();
        if (maxMembers.value) body.maxMembers = Number(maxMembers.value);
        api
          .post<Group>('/groups', body)
          .then((g) => (location.hash = `#/g/${g.id}`))
          .catch((err) => toast(errorText(err), 'error'));
      },
    },
    h('h3', null, 'Create a group'),
    h('label', null, 'Name', name),
    h('label', null, 'Description', description),
    h('div', { class: 'row wrap' }, h('label', { class: 'grow' }, 'Visibility', visibility), h('label', { class: 'grow' }, 'Type', groupType)),
    h('label', null, 'Max members', maxMembers),
    h('button', { class: 'btn primary', type: 'submit', testid: 'create-submit' }, 'Create group'),
  );
  const code = h('input', { name: 'inviteCode', required: true, placeholder: 'Invite code', testid: 'invite-code-input' });
  const joinForm = h(
    'form',
    {
      class: 'card stack',
      testid: 'join-by-code',
      onsubmit: (e: SubmitEvent) => {
        e.preventDefault();
        api
          .post<Group>('/groups/join', { inviteCode: code.value.trim() })
          .then((g) => (location.hash = `#/g/${g.id}`))
          .catch((err) => toast(errorText(err), 'error'));
      },
    },
    h('h3', null, 'Have an invite code?'),
    h('div', { class: 'row' }, code, h('button', { class: 'btn primary', type: 'submit', testid: 'invite-code-submit' }, 'Join')),
  );
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void loadDiscover(), 250);
  });
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  more.addEventListener('click', () => void loadDiscover(true));

  const invitationsSection = h('section', { hidden: true }, h('h2', null, 'Invitations'), invitations);
  const el = h(
    'div',
    { class: 'page groups-page', testid: 'groups-page' },
    invitationsSection,
    h('section', null, h('h2', null, 'My groups'), mine),
    h('section', { class: 'split' }, createForm, joinForm),
    h('section', null, h('div', { class: 'row between' }, h('h2', null, 'Discover'), search), discover, more),
  );
  void loadMine();
  void loadDiscover();
  void loadInvitations();
  disposers.push(listen('notification:new', () => void loadInvitations()));
  return {
    el,
    destroy: () => {
      for (const dispose of disposers) dispose();
    },
  };
}
