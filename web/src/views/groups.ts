/**
 * The groups page, in the order a student uses it: invitations (when any), my groups,
 * then discovery (search, paging). Creating a group and joining with an invite code are
 * one click away, behind buttons beside "My groups", instead of a large form up front.
 */
import { api, errorText } from '../api';
import { GROUP_TYPES, VISIBILITIES } from '../../../src/shared/enums';
import { chosen, clear, h, plural, toast } from '../dom';
import type { View } from '../view';
import { listen, onReconnect } from '../session';
import type { Group, RestBody } from '../types';
import { setUnread, unreadBadge, unreadOf } from '../unread';

function membersLine(g: Group): string {
  const count = g.maxMembers ? `${g.memberCount} / ${plural(g.maxMembers, 'member')}` : plural(g.memberCount, 'member');
  return `${count} · ${g.groupType === 'community' ? 'community' : 'leader-led'}`;
}

function groupCard(g: Group, action?: HTMLElement, badge?: HTMLElement): HTMLElement {
  return h(
    'article',
    { class: 'card group-card', testid: `group-card-${g.id}` },
    h(
      'div',
      { class: 'row between top' },
      h('h3', { class: 'group-card-title' }, h('a', { class: 'group-name', href: `#/g/${g.id}`, testid: 'group-link' }, g.groupName, badge ?? null)),
      h('span', { class: `pill ${g.visibility}` }, g.visibility),
    ),
    g.description ? h('p', { class: 'muted clamp' }, g.description) : null,
    h(
      'div',
      { class: 'row between small muted' },
      h('span', { testid: 'group-members' }, membersLine(g)),
      g.myRole ? h('span', { class: 'pill role' }, g.myRole) : (action ?? null),
    ),
  );
}

/** A button that shows and hides a panel (aria-expanded), focusing its first field when it opens. */
function disclosure(label: string, testid: string, panel: HTMLElement): HTMLButtonElement {
  const button = h('button', { class: 'btn ghost small', type: 'button', testid, 'aria-expanded': 'false', 'aria-controls': panel.id }, label);
  button.addEventListener('click', () => {
    const open = panel.hidden;
    for (const other of document.querySelectorAll<HTMLElement>('[data-disclosure-panel]')) {
      if (other !== panel) other.hidden = true;
    }
    for (const b of document.querySelectorAll('[aria-controls][data-disclosure]')) b.setAttribute('aria-expanded', String(b === button && open));
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) panel.querySelector<HTMLElement>('input, textarea, select')?.focus();
  });
  button.dataset.disclosure = '';
  panel.dataset.disclosurePanel = '';
  return button;
}

export function groupsView(): View {
  document.title = 'Groups · StudySync';
  const disposers: (() => void)[] = [];
  const mine = h('div', { class: 'grid cards', testid: 'my-groups' });
  const discover = h('div', { class: 'grid cards', testid: 'discover-list' });
  const invitations = h('div', { class: 'stack', testid: 'invitations' });
  const more = h('button', { class: 'btn ghost', type: 'button', hidden: true, testid: 'discover-more' }, 'Load more');
  let cursor: string | number | null = null;
  const search = h('input', { type: 'search', placeholder: 'Search public groups…', 'aria-label': 'Search public groups', testid: 'discover-search' });

  /** The live badges of the cards shown (replaced with the cards). */
  let badgeOffs: (() => void)[] = [];
  disposers.push(() => {
    for (const off of badgeOffs) off();
  });
  const loadMine = async (): Promise<void> => {
    try {
      const groups = await api('GET /api/groups');
      setUnread(groups);
      for (const off of badgeOffs) off();
      badgeOffs = [];
      clear(
        mine,
        groups.length
          ? groups.map((g) =>
              groupCard(
                g,
                undefined,
                unreadBadge(
                  () => unreadOf(g.id),
                  `unread-${g.id}`,
                  (fn) => badgeOffs.push(fn),
                ),
              ),
            )
          : h('p', { class: 'muted empty' }, 'You are in no group yet — join one below, or create your own.'),
      );
    } catch (e) {
      clear(mine, h('p', { class: 'form-error' }, errorText(e)));
    }
  };
  const loadDiscover = async (append = false): Promise<void> => {
    const q = search.value.trim();
    try {
      const page = await api('GET /api/groups/discover', { query: { q, limit: 12, cursor: append ? cursor : null } });
      if (q !== search.value.trim()) return; // a newer search is on its way
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
              'aria-label': `Join ${g.groupName}`,
              onclick: () =>
                api('POST /api/groups/:id/join', { params: { id: g.id } })
                  .then(() => (location.hash = `#/g/${g.id}`))
                  .catch((e) => toast(errorText(e), 'error')),
            },
            'Join',
          ),
        ),
      );
      const empty = q
        ? h('p', { class: 'muted empty', testid: 'discover-empty' }, `No public group matches “${q}”.`)
        : h('p', { class: 'muted empty', testid: 'discover-empty' }, 'No public groups yet — create the first one.');
      if (append) discover.append(...cards);
      else clear(discover, cards.length ? cards : empty);
    } catch (e) {
      clear(discover, h('p', { class: 'form-error' }, errorText(e)));
    }
  };
  const loadInvitations = async (): Promise<void> => {
    try {
      const list = await api('GET /api/invitations');
      clear(
        invitations,
        list.map((inv) =>
          h(
            'div',
            { class: 'card invitation row between wrap', testid: 'invitation' },
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
                  'aria-label': `Accept the invitation to ${inv.groupName}`,
                  onclick: () =>
                    api('POST /api/invitations/:id/accept', { params: { id: inv.id } })
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
                  'aria-label': `Decline the invitation to ${inv.groupName}`,
                  onclick: () =>
                    api('POST /api/invitations/:id/decline', { params: { id: inv.id } })
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
      id: 'create-group-panel',
      hidden: true,
      'aria-label': 'Create a group',
      onsubmit: (e: SubmitEvent) => {
        e.preventDefault();
        const body: RestBody<'POST /api/groups'> = {
          groupName: name.value.trim(),
          visibility: chosen(visibility, VISIBILITIES, 'private'),
          groupType: chosen(groupType, GROUP_TYPES, 'leader_controlled'),
        };
        if (description.value.trim()) body.description = description.value.trim();
        if (maxMembers.value) body.maxMembers = Number(maxMembers.value);
        api('POST /api/groups', { body })
          .then((g) => (location.hash = `#/g/${g.id}`))
          .catch((err) => toast(errorText(err), 'error'));
      },
    },
    h('h3', null, 'Create a group'),
    h('label', null, 'Name', name),
    h('label', null, 'Description (optional)', description),
    h('div', { class: 'row wrap' }, h('label', { class: 'grow' }, 'Visibility', visibility), h('label', { class: 'grow' }, 'Type', groupType)),
    h('label', null, 'Max members (optional)', maxMembers),
    h('div', { class: 'row' }, h('button', { class: 'btn primary', type: 'submit', testid: 'create-submit' }, 'Create group')),
  );
  const code = h('input', { name: 'inviteCode', required: true, placeholder: 'e.g. x7Kp2QmZ9aBc', 'aria-label': 'Invite code', testid: 'invite-code-input' });
  const joinForm = h(
    'form',
    {
      class: 'card stack',
      testid: 'join-by-code',
      id: 'join-code-panel',
      hidden: true,
      'aria-label': 'Join with an invite code',
      onsubmit: (e: SubmitEvent) => {
        e.preventDefault();
        api('POST /api/groups/join', { body: { inviteCode: code.value.trim() } })
          .then((g) => (location.hash = `#/g/${g.id}`))
          .catch((err) => toast(errorText(err), 'error'));
      },
    },
    h('h3', null, 'Join with an invite code'),
    h('div', { class: 'row' }, code, h('button', { class: 'btn primary', type: 'submit', testid: 'invite-code-submit' }, 'Join')),
  );
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void loadDiscover(), 250);
  });
  disposers.push(() => clearTimeout(searchTimer));
  more.addEventListener('click', () => void loadDiscover(true));

  const invitationsSection = h(
    'section',
    { hidden: true, 'aria-labelledby': 'invitations-title' },
    h('h2', { id: 'invitations-title' }, 'Invitations'),
    invitations,
  );
  const el = h(
    'div',
    { class: 'page groups-page', testid: 'groups-page' },
    h('h1', { class: 'sr-only' }, 'Groups'),
    invitationsSection,
    h(
      'section',
      { 'aria-labelledby': 'my-groups-title' },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: 'my-groups-title' }, 'My groups'),
        h('div', { class: 'row' }, disclosure('New group', 'create-open', createForm), disclosure('Join with a code', 'join-code-open', joinForm)),
      ),
      createForm,
      joinForm,
      mine,
    ),
    h(
      'section',
      { 'aria-labelledby': 'discover-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'discover-title' }, 'Discover'), search),
      discover,
      more,
    ),
  );
  void loadMine();
  void loadDiscover();
  void loadInvitations();
  disposers.push(
    listen('notification:new', () => void loadInvitations()),
    onReconnect(() => {
      void loadMine();
      void loadInvitations();
    }),
  );
  return {
    el,
    destroy: () => {
      for (const d of disposers) d();
    },
  };
}
