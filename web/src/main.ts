/** App shell: sign-in, top bar (timer pill, bell, account menu), hash router and the connection banner. */
import { api, ApiError, errorText } from './api';
import { avatar, clear, formatDuration, h, icon, toast } from './dom';
import { notificationBell } from './notifications';
import { connectSocket, disconnectSocket, onMyTimer, saveToken, session, setMyTimer } from './session';
import { type AnyTimer, focusNow, liveFrom, STATE_LABEL } from './focus';
import { deviceTimeZone } from './time';
import type { Timer, User } from './types';
import { groupView } from './views/group';
import { groupsView } from './views/groups';
import type { View } from './view';
import { statsView } from './views/stats';
import { startUnread, totalUnread, unreadBadge } from './unread';

/**
 * The share link `/join/<inviteCode>` (issue 16): remembered across the sign-in (this tab),
 * then used once signed in — `POST /api/groups/join` and straight into the group.
 */
const PENDING_JOIN_KEY = 'studysync.join';
const joinMatch = /^\/join\/([^/]+)\/?$/.exec(location.pathname);
if (joinMatch?.[1]) {
  sessionStorage.setItem(PENDING_JOIN_KEY, decodeURIComponent(joinMatch[1]));
  history.replaceState(null, '', `/${location.hash}`);
}

async function joinPending(): Promise<void> {
  const inviteCode = sessionStorage.getItem(PENDING_JOIN_KEY);
  if (!inviteCode) return;
  sessionStorage.removeItem(PENDING_JOIN_KEY);
  try {
    const group = await api('POST /api/groups/join', { body: { inviteCode } });
    toast(`You joined ${group.groupName}`);
    location.hash = `#/g/${group.id}`;
  } catch (e) {
    toast(`Could not join with that link: ${errorText(e)}`, 'error');
  }
}

/** One of the seeded people the dev sign-in offers (`GET /dev/demo-users`). */
interface DemoUser {
  userId: string;
  username: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  groups: { id: number; groupName: string; role: string }[];
}

function appRoot(): HTMLElement {
  const el = document.getElementById('app');
  if (!el) throw new Error('index.html has no #app element');
  return el;
}
const root = appRoot();
let current: View | null = null;
let cleanupShell: (() => void)[] = [];

/**
 * Which sign-in this server offers: `GET /dev/demo-users` is 200 (with the seeded people
 * that exist) where dev tokens are on, 404 where Clerk verifies tokens.
 */
async function signInMode(): Promise<{ dev: true; demoUsers: DemoUser[] } | { dev: false }> {
  try {
    const { items } = await api('GET /dev/demo-users');
    return { dev: true, demoUsers: items };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { dev: false };
    throw error;
  }
}

async function signInWith(token: string): Promise<void> {
  saveToken(token);
  try {
    session.me = await api('GET /api/me');
  } catch (error) {
    saveToken(null);
    throw error;
  }
  startShell();
}

function signOut(message?: string): void {
  for (const fn of cleanupShell) fn();
  cleanupShell = [];
  current?.destroy();
  current = null;
  disconnectSocket();
  saveToken(null);
  session.me = null;
  setMyTimer(null);
  void renderSignIn(message);
}
session.onUnauthenticated = () => signOut('Your session has expired. Please sign in again.');

const fullName = (u: { firstName: string | null; lastName: string | null; username: string }): string =>
  [u.firstName, u.lastName].filter(Boolean).join(' ') || u.username;

function demoButton(u: DemoUser, mint: (body: { userId: string; username: string; email: string }) => Promise<void>): HTMLElement {
  const first = u.groups[0];
  const where = first ? `${first.role} in ${first.groupName}${u.groups.length > 1 ? ` +${u.groups.length - 1}` : ''}` : 'in no group yet';
  return h(
    'button',
    {
      class: 'demo-user',
      type: 'button',
      testid: `demo-${u.userId}`,
      onclick: () => void mint({ userId: u.userId, username: u.username, email: u.email }),
    },
    avatar(u.userId, u.username),
    h('span', { class: 'demo-text' }, h('strong', null, fullName(u)), h('span', { class: 'small muted' }, `@${u.username} · ${where}`)),
  );
}

async function renderSignIn(message?: string): Promise<void> {
  document.title = 'Sign in · StudySync';
  const error = h('p', { class: 'form-error', testid: 'signin-error', role: 'alert' }, message ?? '');
  const card = h(
    'div',
    { class: 'card signin-card' },
    h('h1', { class: 'brand big' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'StudySync'),
    h('p', { class: 'muted tagline' }, 'Study together, live.'),
    error,
  );
  clear(root, h('main', { class: 'signin', testid: 'signin', id: 'main' }, card));
  let mode: Awaited<ReturnType<typeof signInMode>>;
  try {
    mode = await signInMode();
  } catch (e) {
    error.textContent = `Cannot reach the StudySync server (${errorText(e)}).`;
    card.appendChild(h('button', { class: 'btn primary', type: 'button', onclick: () => void renderSignIn() }, 'Try again'));
    return;
  }
  const mint = async (body: { userId: string; username: string; email: string }): Promise<void> => {
    try {
      const { token } = await api('POST /dev/token', { body });
      await signInWith(token);
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  if (mode.dev) {
    card.appendChild(h('h2', null, 'Pick who you are'));
    card.appendChild(
      h(
        'p',
        { class: 'muted small explain', testid: 'dev-explainer' },
        'Development sign-in: no password — the server mints a token for the person you pick. To study together, open a second browser (or a private window) and pick someone else.',
      ),
    );
    card.appendChild(
      mode.demoUsers.length
        ? h(
            'div',
            { class: 'demo-users', testid: 'demo-users' },
            mode.demoUsers.map((u) => demoButton(u, mint)),
          )
        : h(
            'p',
            { class: 'demo-empty', testid: 'demo-empty' },
            'No demo people yet: run ',
            h('code', null, 'npm run seed'),
            ' and reload this page — or sign in as someone new below.',
          ),
    );
    const userId = h('input', {
      name: 'userId',
      placeholder: 'user_abc123',
      required: true,
      pattern: 'user_[A-Za-z0-9_]+',
      autocomplete: 'off',
      testid: 'signin-userid',
    });
    const username = h('input', { name: 'username', placeholder: 'ada', required: true, autocomplete: 'username', testid: 'signin-username' });
    const email = h('input', { name: 'email', type: 'email', placeholder: 'ada@example.com', required: true, autocomplete: 'email', testid: 'signin-email' });
    card.appendChild(
      h(
        'details',
        { class: 'someone-new', testid: 'signin-new', open: mode.demoUsers.length === 0 },
        h('summary', null, 'Sign in as someone new'),
        h(
          'form',
          {
            class: 'stack',
            testid: 'signin-form',
            onsubmit: (e: SubmitEvent) => {
              e.preventDefault();
              void mint({ userId: userId.value.trim(), username: username.value.trim(), email: email.value.trim() });
            },
          },
          h('label', null, 'User id (starts with user_)', userId),
          h('label', null, 'Username', username),
          h('label', null, 'Email', email),
          h('button', { class: 'btn primary', type: 'submit', testid: 'signin-submit' }, 'Sign in'),
        ),
      ),
    );
  } else {
    const token = h('textarea', { rows: 4, placeholder: 'eyJhbGciOiJSUzI1NiIs…', testid: 'signin-token' });
    card.appendChild(
      h(
        'form',
        {
          class: 'stack',
          onsubmit: (e: SubmitEvent) => {
            e.preventDefault();
            signInWith(token.value.trim()).catch((err) => (error.textContent = errorText(err)));
          },
        },
        h('p', { class: 'muted small' }, 'This server verifies Clerk session tokens. Paste one (from your Clerk front end: await session.getToken()).'),
        h('label', null, 'Session token', token),
        h('button', { class: 'btn primary', type: 'submit' }, 'Sign in'),
      ),
    );
  }
}

function timerPill(): HTMLElement {
  const pill = h('a', { class: 'timer-pill', href: '#/stats', testid: 'my-timer-pill', hidden: true });
  const render = (): void => {
    const t: Timer | null = session.myTimer;
    pill.hidden = !t;
    if (!t) return;
    const live = liveFrom(t as AnyTimer, session.myTimerAt);
    const elapsed = formatDuration(focusNow(live));
    const text = live.state === 'focus' ? elapsed : `${elapsed} · ${STATE_LABEL[live.state]}`;
    pill.textContent = text;
    pill.dataset.state = live.state;
    // The accessible name holds the visible text (axe: label-content-name-mismatch).
    pill.setAttribute('aria-label', `Focus time ${text}. My stats`);
  };
  render();
  const tick = setInterval(render, 1000);
  cleanupShell.push(onMyTimer(render), () => clearInterval(tick));
  return pill;
}

/** The signed-in person (avatar, and the name where there is room); a menu with who I am and "Sign out". */
function accountMenu(me: User): HTMLElement {
  const button = h(
    'button',
    {
      class: 'me',
      type: 'button',
      testid: 'me',
      'aria-haspopup': 'true',
      'aria-expanded': 'false',
      'aria-controls': 'account-menu',
    },
    avatar(me.userId, me.username),
    h('span', { class: 'me-name' }, me.username),
    h('span', { class: 'sr-only' }, ` — account menu, signed in as ${fullName(me)}`),
    icon('chevron', 16),
  );
  const panel = h(
    'div',
    { class: 'menu card', id: 'account-menu', hidden: true, testid: 'account-menu' },
    h(
      'div',
      { class: 'menu-who' },
      h('strong', null, fullName(me)),
      h('span', { class: 'muted small' }, `@${me.username}`),
      h('span', { class: 'muted small' }, me.email ?? ''),
    ),
    h('button', { class: 'btn ghost small', type: 'button', testid: 'signout', onclick: () => signOut() }, 'Sign out'),
  );
  const wrap = h('div', { class: 'menu-wrap' }, button, panel);
  const setOpen = (open: boolean): void => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => setOpen(panel.hidden));
  const outside = (e: MouseEvent): void => {
    if (!wrap.contains(e.target as Node)) setOpen(false);
  };
  const onEscape = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && !panel.hidden) {
      setOpen(false);
      button.focus();
    }
  };
  document.addEventListener('click', outside);
  document.addEventListener('keydown', onEscape);
  cleanupShell.push(
    () => document.removeEventListener('click', outside),
    () => document.removeEventListener('keydown', onEscape),
  );
  return wrap;
}

/** A new account's days and streaks follow this device's time zone (until the person sets another). */
function adoptDeviceTimeZone(me: User): void {
  const zone = deviceTimeZone();
  if (!zone || typeof me.preferences?.timezone === 'string') return;
  api('PATCH /api/me', { body: { preferences: { timezone: zone } } })
    .then((u) => (session.me = u))
    .catch(() => undefined);
}

function startShell(): void {
  const banner = h('div', { class: 'banner', testid: 'connection-banner', role: 'status', hidden: true });
  connectSocket(banner, () => signOut('Your session is no longer valid. Please sign in again.'));
  const me = session.me;
  if (!me) throw new Error('the shell starts after sign-in');
  adoptDeviceTimeZone(me);
  const outlet = h('main', { class: 'outlet', id: 'main', tabindex: -1 });
  const header = h(
    'header',
    { class: 'topbar', testid: 'topbar' },
    h('button', { class: 'skip-link', type: 'button', onclick: () => outlet.focus() }, 'Skip to content'),
    h(
      'a',
      { class: 'brand', href: '#/', 'aria-label': 'StudySync, my groups' },
      h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'),
      h('span', { class: 'brand-name' }, 'StudySync'),
    ),
    h(
      'nav',
      { class: 'nav', 'aria-label': 'Main' },
      h(
        'a',
        { href: '#/', testid: 'nav-groups' },
        'Groups',
        unreadBadge(totalUnread, 'nav-unread', (fn) => cleanupShell.push(fn)),
      ),
      h('a', { href: '#/stats', testid: 'nav-stats' }, h('span', { class: 'wide-only' }, 'My stats'), h('span', { class: 'narrow-only' }, 'Stats')),
    ),
    h('div', { class: 'spacer' }),
    timerPill(),
    notificationBell((fn) => cleanupShell.push(fn)),
    accountMenu(me),
  );
  clear(root, header, banner, outlet);
  cleanupShell.push(startUnread());
  api('GET /api/timer')
    .then((r) => setMyTimer(r.timer))
    .catch(() => undefined);
  const route = (): void => {
    const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
    if (current?.update?.(parts)) return;
    current?.destroy();
    current = null;
    try {
      if (parts[0] === 'g' && parts[1] && /^\d+$/.test(parts[1])) current = groupView(Number(parts[1]), parts[2] ?? 'room');
      else if (parts[0] === 'stats') current = statsView();
      else current = groupsView();
    } catch (e) {
      toast(errorText(e), 'error');
      current = groupsView();
    }
    clear(outlet, current.el);
    // A new page starts at its top (the document's scroll would otherwise carry over).
    window.scrollTo(0, 0);
    const section = parts[0] === 'stats' ? 'stats' : parts[0] === 'g' ? 'group' : 'groups';
    // A group page sits under "Groups" (highlighted, but not the current page itself).
    for (const a of header.querySelectorAll<HTMLAnchorElement>('nav a')) {
      const mine = a.hash === (section === 'stats' ? '#/stats' : '#/');
      a.classList.toggle('active', mine);
      if (mine && section !== 'group') a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  };
  window.addEventListener('hashchange', route);
  cleanupShell.push(() => window.removeEventListener('hashchange', route));
  route();
  void joinPending();
}

async function boot(): Promise<void> {
  if (session.token) {
    try {
      await signInWith(session.token);
      return;
    } catch {
      /* fall through to sign-in */
    }
  }
  await renderSignIn();
}
void boot();
