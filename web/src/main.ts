/** App shell: sign-in, top bar (timer pill, bell, user), hash router and the reconnect banner. */
import { api, ApiError, errorText, request } from './api';
import { avatar, clear, formatDuration, h, toast } from './dom';
import { notificationBell } from './notifications';
import { connectSocket, disconnectSocket, onMyTimer, saveToken, session, setMyTimer } from './session';
import { elapsedSeconds } from './time';
import type { Timer, User } from './types';
import { groupView } from './views/group';
import { groupsView } from './views/groups';
import type { View } from './view';
import { statsView } from './views/stats';

const root = appRoot();
let current: View | null = null;
let cleanupShell: (() => void)[] = [];

function appRoot(): HTMLElement {
  const el = document.getElementById('app');
  if (!el) throw new Error('index.html has no #app element');
  return el;
}

const DEMO_USERS = [1, 2, 3, 4].map((n) => {
  const id = `user_seed_${String(n).padStart(3, '0')}`;
  return { userId: id, username: `demo${n}`, email: `demo${n}@studysync.local` };
});

async function devTokenAvailable(): Promise<boolean> {
  try {
    await request('POST', '/dev/token', {});
    return true;
  } catch (error) {
    return error instanceof ApiError && error.status === 400;
  }
}

async function signInWith(token: string): Promise<void> {
  saveToken(token);
  try {
    session.me = await api.get<User>('/me');
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

async function renderSignIn(message?: string): Promise<void> {
  const error = h('p', { class: 'form-error', testid: 'signin-error', role: 'alert' }, message ?? '');
  const card = h(
    'div',
    { class: 'card signin-card' },
    h('div', { class: 'brand big' }, h('span', { class: 'logo' }, '◆'), 'StudySync'),
    h('p', { class: 'muted' }, 'Study together, live.'),
    error,
  );
  clear(root, h('main', { class: 'signin', testid: 'signin' }, card));
  const dev = await devTokenAvailable();
  const mint = async (body: { userId: string; username: string; email: string }): Promise<void> => {
    try {
      const { token } = await request<{ token: string }>('POST', '/dev/token', body);
      await signInWith(token);
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  if (dev) {
    card.appendChild(h('h2', null, 'Development sign-in'));
    card.appendChild(
      h(
        'div',
        { class: 'demo-users' },
        DEMO_USERS.map((u) =>
          h(
            'button',
            { class: 'btn ghost', type: 'button', testid: `demo-${u.userId}`, onclick: () => void mint(u) },
            avatar(u.userId, u.username),
            u.username,
          ),
        ),
      ),
    );
    const userId = h('input', { name: 'userId', placeholder: 'user_abc123', required: true, pattern: 'user_[A-Za-z0-9_]+', testid: 'signin-userid' });
    const username = h('input', { name: 'username', placeholder: 'ada', required: true, testid: 'signin-username' });
    const email = h('input', { name: 'email', type: 'email', placeholder: 'ada@example.com', required: true, testid: 'signin-email' });
    card.appendChild(
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
        h('p', { class: 'muted small' }, 'Or sign in as anyone (a token is minted by POST /dev/token):'),
        h('label', null, 'User id', userId),
        h('label', null, 'Username', username),
        h('label', null, 'Email', email),
        h('button', { class: 'btn primary', type: 'submit', testid: 'signin-submit' }, 'Sign in'),
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
    if (t) pill.textContent = `● ${formatDuration(elapsedSeconds(t.startedAt))}`;
  };
  render();
  const tick = setInterval(render, 1000);
  cleanupShell.push(onMyTimer(render), () => clearInterval(tick));
  return pill;
}

function startShell(): void {
  const banner = h('div', { class: 'banner', testid: 'connection-banner', role: 'status', hidden: true });
  connectSocket(banner, () => signOut('Your session is no longer valid. Please sign in again.'));
  const me = session.me;
  if (!me) throw new Error('the shell starts after sign-in');
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo' }, '◆'), 'StudySync'),
    h('nav', { class: 'nav' }, h('a', { href: '#/', testid: 'nav-groups' }, 'Groups'), h('a', { href: '#/stats', testid: 'nav-stats' }, 'My stats')),
    h('div', { class: 'spacer' }),
    timerPill(),
    notificationBell((fn) => cleanupShell.push(fn)),
    h('span', { class: 'me', testid: 'me' }, avatar(me.userId, me.username), h('span', { class: 'me-name' }, me.username)),
    h('button', { class: 'btn ghost small', type: 'button', testid: 'signout', onclick: () => signOut() }, 'Sign out'),
  );
  const outlet = h('main', { class: 'outlet' });
  clear(root, header, banner, outlet);
  api
    .get<{ timer: Timer | null }>('/timer')
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
    for (const a of header.querySelectorAll('nav a'))
      a.classList.toggle('active', (a as HTMLAnchorElement).hash === `#/${parts[0] === 'stats' ? 'stats' : ''}`);
  };
  window.addEventListener('hashchange', route);
  cleanupShell.push(() => window.removeEventListener('hashchange', route));
  route();
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
