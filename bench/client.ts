/**
 * A load-generating client process (forked by bench/run.ts). It holds sockets and runs
 * the commands it is sent over IPC, replying with one result each. Rooms are given whole
 * to one client process (half of a room's sockets on each node), so sender and
 * receivers of an event share a clock and latency needs no correlation across
 * processes; the reconnect storm compares with the kill instant taken by the parent
 * (same machine, same wall clock, `nowUs`).
 */
import autocannon from 'autocannon';
import { io, type Socket } from 'socket.io-client';
import { encode, newHistogram, nowUs } from './lib/hist';
import { makeSigner } from './lib/tokens';

interface Member {
  userId: string;
  groupId: number;
  url: string;
}

interface Conn extends Member {
  socket: Socket;
  joined: boolean;
  /** Bare servers take `auth.userId`; StudySync a signed token, reused on reconnect. */
  auth: { token: string } | { userId: string };
}

let conns: Conn[] = [];
const send = (msg: object): void => void process.send!(msg);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function openSocket(url: string, auth: Conn['auth'], timeout: number): Promise<Socket> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

function ack(socket: Socket, event: string, payload: unknown, timeout = 10_000): Promise<any> {
  return socket.timeout(timeout).emitWithAck(event, payload);
}

/** Sends `total` emits spread evenly over `durationMs`. */
async function paced(total: number, durationMs: number, fn: (i: number) => void): Promise<void> {
  const start = Date.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * durationMs) / total;
    const wait = due - Date.now();
    if (wait > 1) await sleep(wait);
    fn(i);
  }
}

/** Joined sockets by room, in the order they were given (members alternate nodes). */
function rooms(): Map<number, Conn[]> {
  const byRoom = new Map<number, Conn[]>();
  for (const c of conns) if (c.joined) byRoom.set(c.groupId, [...(byRoom.get(c.groupId) ?? []), c]);
  return byRoom;
}

/**
 * Socket.IO client's own reconnection delay (its defaults: 1 s doubling to 5 s, ±50 %
 * jitter, the `Backoff` of socket.io-client), so the storm arrives as real clients send it.
 */
function backoffMs(attempt: number): number {
  let ms = 1000 * 2 ** attempt;
  const rand = Math.random();
  const deviation = Math.floor(rand * 0.5 * ms);
  ms = (Math.floor(rand * 10) & 1) === 0 ? ms - deviation : ms + deviation;
  return Math.min(ms, 5000) | 0;
}

// ── Reconnect storm state ─────────────────────────────────────────────────────────────

interface Observer {
  conn: Conn;
  groupId: number;
  /** Presence as this member's client sees it: baseline (room state) plus every event. */
  count: Map<string, number>;
  last: Map<string, boolean>;
  events: number;
  valid: boolean;
}

const storm = {
  armed: false,
  toUrl: '',
  deadline: 0,
  movers: [] as Conn[],
  gone: new Set<Conn>(),
  rejoinedUs: new Map<Conn, number>(),
  attempts: 0,
  errors: {} as Record<string, number>,
  droppedOnTarget: 0,
  survivorsRejoined: 0,
  observers: [] as Observer[],
  lastPresenceAt: 0,
  closing: false,
};

const countError = (key: string): void => {
  storm.errors[key] = (storm.errors[key] ?? 0) + 1;
};

function onPresenceEvents(o: Observer, socket: Socket): void {
  const apply = (userId: string, online: boolean): void => {
    o.count.set(userId, (o.count.get(userId) ?? 0) + (online ? 1 : -1));
    o.last.set(userId, online);
  };
  // Today's event, and the coalesced one issue 12 replaces it with: count both.
  socket.on('presence:update', (p: any) => {
    if (p?.groupId !== o.groupId) return;
    o.events += 1;
    storm.lastPresenceAt = Date.now();
    apply(String(p.userId), p.online === true);
  });
  socket.on('presence:diff', (p: any) => {
    if (p?.groupId !== o.groupId) return;
    o.events += 1;
    storm.lastPresenceAt = Date.now();
    // A user in both lists: their entries' lastSeen order them (a tie reads leave, then join).
    const changes = [
      ...(p.leaves ?? []).map((l: any) => ({ userId: String(l.userId), online: false, at: Date.parse(l.lastSeen) || 0 })),
      ...(p.joins ?? []).map((j: any) => ({ userId: String(j.userId), online: true, at: Date.parse(j.lastSeen) || 0 })),
    ].sort((a, b) => a.at - b.at);
    for (const c of changes) apply(c.userId, c.online);
  });
}

/** On an unexpected disconnect, reconnect to the surviving node and re-join (unless gone). */
function watch(c: Conn): void {
  c.socket.on('disconnect', (reason) => {
    c.joined = false;
    if (reason === 'io client disconnect' || storm.closing || storm.gone.has(c)) return;
    if (c.url === storm.toUrl) storm.droppedOnTarget += 1;
    const o = storm.observers.find((x) => x.conn === c);
    if (o) o.valid = false;
    void rejoin(c);
  });
}

async function rejoin(c: Conn): Promise<void> {
  for (let attempt = 0; !storm.closing && Date.now() < storm.deadline; attempt += 1) {
    await sleep(backoffMs(attempt));
    storm.attempts += 1;
    let socket: Socket;
    try {
      socket = await openSocket(storm.toUrl, c.auth, 20_000);
    } catch (error) {
      countError(`connect: ${(error as Error).message}`);
      continue;
    }
    try {
      const r = await ack(socket, 'room:join', { groupId: c.groupId }, 10_000);
      if (r?.ok && Array.isArray(r.state?.members)) {
        c.socket = socket;
        c.url = storm.toUrl;
        c.joined = true;
        // The measure is the killed node's clients; a survivor's socket dropped and re-joined is counted apart.
        if (!storm.movers.includes(c)) storm.survivorsRejoined += 1;
        else if (!storm.rejoinedUs.has(c)) storm.rejoinedUs.set(c, nowUs());
        watch(c);
        return;
      }
      countError(`room:join: ${JSON.stringify(r?.error ?? r)}`);
    } catch (error) {
      countError(`room:join: ${(error as Error).message}`);
    }
    socket.close();
  }
}

const handlers: Record<string, (msg: any) => Promise<object>> = {
  async connect(msg: { members: Member[]; privatePem?: string; concurrency: number; join: boolean; timeout?: number; deadlineMs?: number }) {
    // Tokens are signed before the clock starts. In a school, Clerk signs them on its own
    // servers; an RS256 signature costs this process ~1.7 ms of CPU, so signing inside the
    // window would charge the load generator's CPU (on the same machine) to the node under
    // test, and only to StudySync's side (the bare server takes a plain user id).
    const sign = msg.privatePem ? makeSigner(msg.privatePem) : undefined;
    const tokens = new Map<string, string>();
    if (sign) for (const m of msg.members) tokens.set(m.userId, sign(m.userId));
    const started = Date.now();
    let failed = 0;
    const errors: Record<string, number> = {};
    const deadline = msg.deadlineMs ? started + msg.deadlineMs : Number.POSITIVE_INFINITY;
    let skipped = 0;
    let joinFailed = 0;
    let joinError: string | undefined;
    const join = async (c: Conn, timeout = 10_000): Promise<void> => {
      try {
        const r = await ack(c.socket, 'room:join', { groupId: c.groupId }, timeout);
        if (r?.ok) c.joined = true;
        else {
          joinFailed += 1;
          joinError = JSON.stringify(r?.error);
        }
      } catch (error) {
        joinFailed += 1;
        joinError = (error as Error).message;
      }
    };
    const connectOne = async (m: Member): Promise<Conn> => {
      const token = tokens.get(m.userId);
      const auth = token ? { token } : { userId: m.userId };
      const socket = await openSocket(m.url, auth, msg.timeout ?? 20_000);
      return { ...m, socket, joined: false, auth };
    };
    // Each socket joins its room right after its handshake, so "held" and "joined" grow
    // together until the deadline. A node that cannot join at all fails fast: probe first.
    let joining = msg.join;
    const rest = [...msg.members];
    const first = rest.shift();
    if (first) {
      try {
        const c = await connectOne(first);
        conns.push(c);
        if (joining) {
          await join(c, 5000);
          if (!c.joined) {
            joining = false;
            joinError = `room:join probe failed: ${joinError}`;
          }
        }
      } catch (error) {
        failed += 1;
        errors[(error as Error).message] = 1;
      }
    }
    await pool(rest, msg.concurrency, async (m) => {
      if (Date.now() > deadline) {
        skipped += 1;
        return;
      }
      try {
        const c = await connectOne(m);
        conns.push(c);
        if (joining) await join(c);
      } catch (error) {
        failed += 1;
        const key = (error as Error).message;
        errors[key] = (errors[key] ?? 0) + 1;
      }
    });
    const connectMs = Date.now() - started;
    return { connected: conns.length, failed, skipped, errors, connectMs, joined: conns.filter((c) => c.joined).length, joinFailed, joinError };
  },

  /** Sockets still connected, and of those, joined to their room. */
  async count() {
    const live = conns.filter((c) => c.socket.connected);
    return { connected: live.length, joined: live.filter((c) => c.joined).length };
  },

  /**
   * Chat in every room at `ratePerRoom` messages/s for `durationMs`, each message of a
   * room sent by the next member in turn (every member, both nodes, round-robin), so no
   * sender is warmer than another. Latency is recorded at every receiver.
   */
  async chat(msg: { ratePerRoom: number; durationMs: number; pad: number; settleMs: number }) {
    const h = newHistogram();
    let deliveries = 0;
    let acked = 0;
    let ackErrors = 0;
    let expected = 0;
    const ackCodes: Record<string, number> = {};
    // The worst latency per 250 ms of send time since the step began: where a tail comes from (one stall or everywhere).
    const began = nowUs();
    const worst = new Map<number, number>();
    const onMessage = (payload: any): void => {
      const content: string | undefined = payload?.message?.content;
      if (!content) return;
      const sent = Number(content.slice(0, content.indexOf('|')));
      if (!sent) return;
      deliveries += 1;
      const latency = Math.max(1, nowUs() - sent);
      h.recordValue(latency);
      const bucket = Math.floor((sent - began) / 250_000);
      if (latency > (worst.get(bucket) ?? 0)) worst.set(bucket, latency);
    };
    for (const c of conns) c.socket.on('chat:message', onMessage);
    const byRoom = [...rooms().values()];
    const turn = byRoom.map(() => 0);
    const total = Math.round((msg.ratePerRoom * byRoom.length * msg.durationMs) / 1000);
    const pad = 'x'.repeat(msg.pad);
    const acks: Promise<void>[] = [];
    const senders = new Set<string>();
    if (byRoom.length) {
      await paced(total, msg.durationMs, (i) => {
        const r = i % byRoom.length;
        const members = byRoom[r]!;
        const s = members[turn[r] % members.length]!;
        turn[r] += 1;
        senders.add(s.userId);
        acks.push(
          ack(s.socket, 'chat:send', { groupId: s.groupId, content: `${nowUs()}|${pad}` })
            .then((res) => {
              if (res?.ok) {
                acked += 1;
                expected += members.length;
              } else {
                ackErrors += 1;
                const code = res?.error?.code ?? 'unknown';
                ackCodes[code] = (ackCodes[code] ?? 0) + 1;
              }
            })
            .catch(() => {
              ackErrors += 1;
              ackCodes.TIMEOUT = (ackCodes.TIMEOUT ?? 0) + 1;
            }),
        );
      });
    }
    await Promise.all(acks);
    // Deliveries of the last acked messages are still on their way: wait until all are in
    // (or settleMs passes without progress).
    let seen = -1;
    while (deliveries < expected && deliveries !== seen) {
      seen = deliveries;
      await sleep(msg.settleMs);
    }
    for (const c of conns) c.socket.off('chat:message', onMessage);
    const timeline = [...worst].map(([bucket, us]) => [bucket * 250, Math.round(us / 1000)]);
    return { sent: total, acked, ackErrors, ackCodes, deliveries, expectedDeliveries: expected, senders: senders.size, hist: encode(h), timeline };
  },

  /** Every joined socket starts a timer (paced over durationMs), then stops it. Latency: emit → peers' timer:started. */
  async timers(msg: { durationMs: number; holdMs: number; settleMs: number }) {
    const startH = newHistogram();
    const stopH = newHistogram();
    const startAt = new Map<string, number>();
    const stopAt = new Map<string, number>();
    let started = 0;
    let stopped = 0;
    let errors = 0;
    const codes: Record<string, number> = {};
    const onStarted = (p: any): void => {
      const t = startAt.get(p?.userId);
      if (t) {
        started += 1;
        startH.recordValue(Math.max(1, nowUs() - t));
      }
    };
    const onStopped = (p: any): void => {
      const t = stopAt.get(p?.userId);
      if (t) {
        stopped += 1;
        stopH.recordValue(Math.max(1, nowUs() - t));
      }
    };
    for (const c of conns) {
      c.socket.on('timer:started', onStarted);
      c.socket.on('timer:stopped', onStopped);
    }
    const members = conns.filter((c) => c.joined);
    const fail = (r: any): void => {
      errors += 1;
      const code = r?.error?.code ?? r?.message ?? 'unknown';
      codes[code] = (codes[code] ?? 0) + 1;
    };
    const acks: Promise<void>[] = [];
    await paced(members.length, msg.durationMs, (i) => {
      const c = members[i]!;
      startAt.set(c.userId, nowUs());
      acks.push(ack(c.socket, 'timer:start', { groupId: c.groupId }).then((r) => (r?.ok ? undefined : fail(r)), fail));
    });
    await Promise.all(acks.splice(0));
    await sleep(msg.holdMs);
    await paced(members.length, msg.durationMs, (i) => {
      const c = members[i]!;
      stopAt.set(c.userId, nowUs());
      acks.push(ack(c.socket, 'timer:stop', {}).then((r) => (r?.ok ? undefined : fail(r)), fail));
    });
    await Promise.all(acks);
    await sleep(msg.settleMs);
    for (const c of conns) {
      c.socket.off('timer:started', onStarted);
      c.socket.off('timer:stopped', onStopped);
    }
    return { timers: members.length, startedEvents: started, stoppedEvents: stopped, errors, codes, startHist: encode(startH), stopHist: encode(stopH) };
  },

  /**
   * Arms the reconnect storm: every socket that loses its node reconnects to `toUrl`
   * (what a load balancer does once a node is gone) with Socket.IO's own backoff and
   * re-joins its room — except one in `goneEvery` of the sockets on `fromUrl`, who stand
   * for users who do not come back. One member per room on `toUrl` observes presence:
   * its baseline is a fresh `room:join` state taken now (everything settled), then every
   * presence event it receives.
   */
  async 'storm-arm'(msg: { fromUrl: string; toUrl: string; goneEvery: number; deadlineMs: number }) {
    storm.armed = true;
    storm.toUrl = msg.toUrl;
    storm.deadline = Date.now() + msg.deadlineMs;
    const onFrom = conns.filter((c) => c.url === msg.fromUrl && c.joined);
    onFrom.forEach((c, i) => {
      if (msg.goneEvery > 0 && i % msg.goneEvery === msg.goneEvery - 1) storm.gone.add(c);
      else storm.movers.push(c);
    });
    for (const c of conns) watch(c);
    for (const [groupId, members] of rooms()) {
      const conn = members.find((c) => c.url === msg.toUrl);
      if (!conn) continue;
      const r = await ack(conn.socket, 'room:join', { groupId }, 30_000);
      if (!r?.ok || !Array.isArray(r.state?.members)) throw new Error(`observer room:join: ${JSON.stringify(r)}`);
      const o: Observer = { conn, groupId, count: new Map(), last: new Map(), events: 0, valid: true };
      for (const m of r.state.members) {
        o.count.set(m.userId, m.online ? 1 : 0);
        o.last.set(m.userId, m.online === true);
      }
      onPresenceEvents(o, conn.socket);
      storm.observers.push(o);
    }
    return { movers: storm.movers.length, gone: storm.gone.size, observers: storm.observers.length };
  },

  /** Where the storm stands: the instant each mover was re-joined with room state. */
  async 'storm-status'() {
    return {
      movers: storm.movers.length,
      rejoined: storm.rejoinedUs.size,
      rejoinedUs: [...storm.rejoinedUs.values()],
      attempts: storm.attempts,
      errors: storm.errors,
      droppedOnTarget: storm.droppedOnTarget,
      survivorsRejoined: storm.survivorsRejoined,
      pending: conns.filter((c) => !storm.gone.has(c) && !(c.socket.connected && c.joined)).length,
    };
  },

  /**
   * Presence after the storm, against the truth (which of this process's sockets are
   * connected and joined — every member of a room is in this process). Waits until no
   * presence event has arrived for `quietMs` (at most `maxWaitMs`), then compares two
   * views per room: a fresh `room:join` state read by the observer (every member listed
   * once, `online` exactly for the connected), and the observer's event-built view
   * (baseline + events: a count of exactly 1 for the connected and 0 for the others, and
   * the last event agreeing). Returns the users each view gets wrong.
   */
  async 'storm-verdict'(msg: { quietMs: number; maxWaitMs: number }) {
    const until = Date.now() + msg.maxWaitMs;
    while (Date.now() < until && Date.now() - storm.lastPresenceAt < msg.quietMs) await sleep(100);
    const wrong = new Set<string>();
    const kinds: Record<string, number> = {};
    const examples: string[] = [];
    const flag = (userId: string, kind: string): void => {
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      wrong.add(userId);
      if (examples.length < 5) examples.push(`${userId}: ${kind}`);
    };
    let invalidObservers = 0;
    const unpaired = { 'extra join': 0, 'extra leave': 0 };
    for (const o of storm.observers) {
      const members = conns.filter((c) => c.groupId === o.groupId);
      const truth = new Map(members.map((c) => [c.userId, c.socket.connected && c.joined]));
      const reader = o.valid && o.conn.socket.connected ? o.conn : members.find((c) => c.socket.connected && c.joined);
      if (!reader) {
        flag(`room ${o.groupId}`, 'no member left to read the room');
        continue;
      }
      const r = await ack(reader.socket, 'room:join', { groupId: o.groupId }, 30_000);
      const state: Array<{ userId: string; online: boolean }> = r?.state?.members ?? [];
      const seen = new Map<string, number>();
      for (const m of state) seen.set(m.userId, (seen.get(m.userId) ?? 0) + 1);
      for (const [userId, online] of truth) {
        const listed = state.filter((m) => m.userId === userId);
        if ((seen.get(userId) ?? 0) > 1) flag(userId, 'state: listed more than once');
        if (listed.length === 0) flag(userId, 'state: not listed');
        else if (listed[0]!.online && !online) flag(userId, 'state: online but gone (ghost)');
        else if (!listed[0]!.online && online) flag(userId, 'state: offline but connected');
        if (!o.valid) continue;
        // What the observer shows: the room state it joined with, then every diff applied
        // as state, in arrival order (the contract's reading, and the web client's).
        const last = o.last.get(userId) ?? false;
        if (last !== online) flag(userId, online ? 'events: shown offline, but connected' : 'events: shown online, but gone (ghost)');
        // Not a wrong display, but counted apart: joins and leaves that do not pair up (a
        // leave for a user already shown offline, or a join for one already shown online),
        // which a diff's "later transition wins" produces when a user blips within a window.
        const count = o.count.get(userId) ?? 0;
        if (count !== (online ? 1 : 0)) unpaired[count > (online ? 1 : 0) ? 'extra join' : 'extra leave'] += 1;
      }
      if (!o.valid) invalidObservers += 1;
    }
    return {
      wrong: wrong.size,
      kinds,
      examples,
      rooms: storm.observers.length,
      invalidObservers,
      unpaired,
      events: storm.observers.reduce((a, o) => a + o.events, 0),
      gone: storm.gone.size,
      goneStillConnected: [...storm.gone].filter((c) => c.socket.connected).length,
    };
  },

  /**
   * Requests at `connections` in flight for `durationS`, rotating over `tokens` (each with
   * its path). Latency of every 2xx answer goes into a µs histogram (autocannon's own
   * rounds to whole milliseconds, too coarse for a bare route's p99).
   */
  async autocannon(msg: { url: string; tokens: Array<{ token: string; path: string }>; connections: number; durationS: number }) {
    let n = 0;
    const h = newHistogram();
    let ok = 0;
    let other = 0;
    const instance = autocannon({
      url: msg.url,
      connections: msg.connections,
      duration: msg.durationS,
      requests: [
        {
          setupRequest: (req: any) => {
            const t = msg.tokens[n++ % msg.tokens.length]!;
            return { ...req, path: t.path, headers: { ...(req.headers ?? {}), authorization: `Bearer ${t.token}` } };
          },
        },
      ],
    } as any) as any;
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      if (statusCode >= 200 && statusCode < 300) {
        ok += 1;
        h.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
      } else other += 1;
    });
    const result = await instance;
    const seconds = result.duration || msg.durationS;
    return {
      requestsPerSec: ok / seconds,
      total: result.requests.total,
      ok,
      non2xx: other,
      errors: result.errors,
      timeouts: result.timeouts,
      hist: encode(h),
    };
  },

  async close() {
    storm.closing = true;
    for (const c of conns) c.socket.close();
    const n = conns.length;
    conns = [];
    return { closed: n };
  },
};

process.on('message', (msg: any) => {
  const fn = handlers[msg.cmd];
  if (!fn) return send({ id: msg.id, error: `unknown command ${msg.cmd}` });
  fn(msg)
    .then((result) => send({ id: msg.id, result }))
    .catch((error: Error) => send({ id: msg.id, error: error.stack ?? String(error) }));
});
process.on('disconnect', () => process.exit(0));
send({ ready: true });
