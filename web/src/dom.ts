/**
 * The only way this client builds DOM: `h()` turns strings into text nodes, so text from
 * users is never parsed as HTML (no innerHTML anywhere in web/src).
 */
export type Child = Node | string | number | null | undefined | false;
type Handler = (event: never) => void;
export type Attrs = Record<string, string | number | boolean | Handler | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'testid') {
      el.dataset.testid = String(value);
    } else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') {
      (el as unknown as Record<string, unknown>)[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function clear(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Only http(s) links are made clickable (no `javascript:` URLs from other users). */
export function safeUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(hh)}:${pad(mm)}:${pad(ss)}`;
}

/** "2h 05m" style for totals. */
export function formatTotal(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  if (hh > 0) return `${hh}h ${String(mm).padStart(2, '0')}m`;
  if (mm > 0) return `${mm}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "1 member", "3 members" (and the same for any countable noun with a regular plural). */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

/**
 * Says something to screen-reader users without moving focus (a polite live region that
 * stays in the page): incoming chat, a peer starting or stopping, connection changes.
 */
export function announce(text: string): void {
  let region = document.getElementById('announcer');
  if (!region) {
    region = h('div', { id: 'announcer', class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', testid: 'announcer' });
    document.body.appendChild(region);
  }
  // A new text node each time, so repeating the same words is still announced.
  region.replaceChildren(document.createTextNode(text));
}

/** Text only screen readers get (e.g. the day and value of a chart bar). */
export function srOnly(text: string): HTMLElement {
  return h('span', { class: 'sr-only' }, text);
}

export function initials(name: string): string {
  const parts = name
    .replace(/[_.-]+/g, ' ')
    .trim()
    .split(/\s+/);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** A stable pastel hue per user id, for avatars. */
export function hue(id: string): number {
  // FNV-1a: ids that differ in one character (user_seed_001, …002) still get far-apart hues.
  let n = 0x811c9dc5;
  for (const c of id) n = Math.imul(n ^ c.charCodeAt(0), 16777619);
  return (n >>> 0) % 360;
}

export function avatar(userId: string, username: string, online?: boolean): HTMLElement {
  const el = h('span', { class: 'avatar', style: `--h:${hue(userId)}`, 'aria-hidden': 'true' }, initials(username));
  if (online !== undefined) el.appendChild(h('span', { class: `dot ${online ? 'on' : 'off'}`, testid: 'online-dot' }));
  return el;
}

const ICONS = {
  chevron: 'M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6 1.4-1.4Z',
  bell: 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z',
  flame:
    'M13.5 1.5s.74 2.65.74 4.8c0 2.06-1.35 3.73-3.41 3.73-2.07 0-3.63-1.67-3.63-3.73l.03-.36C5.21 8.33 4 11.48 4 14.5 4 18.92 7.58 22.5 12 22.5s8-3.58 8-8c0-5.39-2.59-10.2-6.5-13Z',
} as const;

/** A fixed inline SVG icon (static path data; no fonts needed). */
export function icon(name: keyof typeof ICONS, size = 18): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('icon', `icon-${name}`);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  path.setAttribute('fill', 'currentColor');
  svg.appendChild(path);
  return svg;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { flush(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | undefined;
  const run = (): void => {
    timer = undefined;
    if (pending) {
      const args = pending;
      pending = undefined;
      fn(...args);
    }
  };
  const wrapped = (...args: A): void => {
    pending = args;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  wrapped.flush = (): void => {
    if (timer) clearTimeout(timer);
    run();
  };
  return wrapped;
}

/** A short-lived message at the bottom of the screen (errors stay longer, and are read out at once). */
export function toast(text: string, kind: 'info' | 'error' = 'info'): void {
  let host = document.getElementById('toasts');
  if (!host) {
    host = h('div', { id: 'toasts', class: 'toasts' });
    document.body.appendChild(host);
  }
  const el = h('div', { class: `toast ${kind}`, testid: 'toast', role: kind === 'error' ? 'alert' : 'status' }, text);
  host.appendChild(el);
  setTimeout(() => el.remove(), kind === 'error' ? 7000 : 4000);
}

/** The value of a `<select>` as one of `allowed` (the values of its options), else `fallback`. */
export function chosen<T extends string>(select: HTMLSelectElement, allowed: readonly T[], fallback: T): T {
  return allowed.find((value) => value === select.value) ?? fallback;
}
