/**
 * Coalesces updates per key: every update is merged into its key's pending value, and a
 * key's pending value goes out at most once per `windowMs` (the first update after a
 * quiet period goes out at once, on the next tick: the leading edge; updates within the
 * window go out together when it ends: the trailing edge). With `maxWindowMs`, a key whose
 * sends follow each other back to back (each within two windows of the one before: a
 * busy room during a morning rush or a reconnect storm) doubles its window after each
 * send, up to `maxWindowMs`; a quiet spell of two windows brings it back to `windowMs`.
 * So one join in a quiet room is shown at once, and a room filling with 100 members gets
 * about one update a second instead of one per join.
 *
 * Per process: each node coalesces what it decides itself.
 */
export interface KeyedCoalescer<K, U> {
  add(key: K, update: U): void;
  /** Sends every pending value now (tests, shutdown). */
  flush(): void;
  /** Stops the timers; pending values are dropped. */
  close(): void;
}

export interface CoalescerOptions<K, U, V> {
  /** A key's pending value with one more update (`pending` is undefined for the first one). */
  merge(pending: V | undefined, update: U): V;
  send(key: K, value: V): void;
  /** Pending values for which this is false are dropped instead of sent. */
  worthSending?: (value: V) => boolean;
  windowMs: number;
  /** The widest window of a busy key (default `windowMs`: no widening). */
  maxWindowMs?: number;
  now?: () => number;
}

interface Pending<V> {
  value: V;
  timer: NodeJS.Timeout;
}

export function createKeyedCoalescer<K, U, V>(options: CoalescerOptions<K, U, V>): KeyedCoalescer<K, U> {
  const { merge, send, windowMs, worthSending = () => true, now = Date.now } = options;
  const maxWindowMs = Math.max(windowMs, options.maxWindowMs ?? windowMs);
  const pending = new Map<K, Pending<V>>();
  const lastSent = new Map<K, number>();
  /** The current window of keys that were busy (absent: `windowMs`). */
  const windows = new Map<K, number>();
  const windowOf = (key: K): number => windows.get(key) ?? windowMs;
  let closed = false;

  const sendKey = (key: K): void => {
    const entry = pending.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    pending.delete(key);
    if (!worthSending(entry.value)) return;
    const at = now();
    const previous = lastSent.get(key);
    const window = windowOf(key);
    if (previous !== undefined && at - previous <= 2 * window && window < maxWindowMs) windows.set(key, Math.min(maxWindowMs, window * 2));
    else if (previous === undefined || at - previous > 2 * window) windows.delete(key);
    lastSent.set(key, at);
    send(key, entry.value);
  };

  const forgetQuietKeys = (): void => {
    // Keys quiet for longer than two of their windows need no memory of their last send.
    if (lastSent.size < 1024) return;
    const t = now();
    for (const [key, at] of lastSent) {
      if (at < t - 2 * windowOf(key) && !pending.has(key)) {
        lastSent.delete(key);
        windows.delete(key);
      }
    }
  };

  return {
    add(key, update) {
      if (closed) return;
      const entry = pending.get(key);
      if (entry) {
        entry.value = merge(entry.value, update);
        return;
      }
      forgetQuietKeys();
      const wait = Math.max(0, (lastSent.get(key) ?? Number.NEGATIVE_INFINITY) + windowOf(key) - now());
      const timer = setTimeout(() => sendKey(key), wait);
      timer.unref();
      pending.set(key, { value: merge(undefined, update), timer });
    },
    flush() {
      for (const key of [...pending.keys()]) sendKey(key);
    },
    close() {
      closed = true;
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
    },
  };
}
