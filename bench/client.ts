/**
 * A load-generating client process (forked by bench/run.ts and bench/drill.ts). It holds
 * sockets and runs the commands it is sent over IPC, replying with one result each.
 * Rooms are given whole to one client process (half of a room's sockets on each node),
 * so sender and receivers of an event share a clock and latency needs no correlation
 * across processes.
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
}

let conns: Conn[] = [];
let sign: ((userId: string) => string) | undefined;
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

function connectOne(m: Member, timeout: number): Promise<Conn> {
  const socket = io(m.url, {
    auth: sign ? { token: sign(m.userId) } : { userId: m.userId },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ ...m, socket, joined: false }));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

function ack(socket: Socket, event: string, payload: unknown, timeout = 10_000): Promise<any> {
  return socket.timeout(timeout).emitWithAck(event, payload);
}

/** Sends `total` emits spread evenly over `durationMs`, round-robin over `senders`. */
async function paced(total: number, durationMs: number, fn: (i: number) => void): Promise<void> {
  const start = Date.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * durationMs) / total;
    const wait = due - Date.now();
    if (wait > 1) await sleep(wait);
    fn(i);
  }
}

const handlers: Record<string, (msg: any) => Promise<object>> = {
  async connect(msg: { members: Member[]; privatePem?: string; concurrency: number; join: boolean; timeout?: number; deadlineMs?: number }) {
    sign = msg.privatePem ? makeSigner(msg.privatePem) : undefined;
    const started = Date.now();
    let failed = 0;
    const errors: Record<string, number> = {};
    const deadline = msg.deadlineMs ? started + msg.deadlineMs : Infinity;
    let skipped = 0;
    let joinFailed = 0;
    let joinError: string | undefined;
    let joinMs = 0;
    const join = async (c: Conn, timeout = 10_000): Promise<void> => {
      const t = Date.now();
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
      joinMs += Date.now() - t;
    };
    // Each socket joins its room right after its handshake, so "held" and "joined" grow
    // together until the deadline. A node without room handlers never acks: probe first.
    let joining = msg.join;
    const rest = [...msg.members];
    const first = rest.shift();
    if (first) {
      try {
        const c = await connectOne(first, msg.timeout ?? 20_000);
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
        const c = await connectOne(m, msg.timeout ?? 20_000);
        conns.push(c);
        if (joining) await join(c);
      } catch (error) {
        failed += 1;
        const key = (error as Error).message;
        errors[key] = (errors[key] ?? 0) + 1;
      }
    });
    const connectMs = Date.now() - started;
    return { connected: conns.length, failed, skipped, errors, connectMs, joined: conns.filter((c) => c.joined).length, joinFailed, joinError, joinMs };
  },

  /** Chat at `rate` messages/s (this process's share) for `durationMs`; latency at every receiver. */
  async chat(msg: { rate: number; durationMs: number; pad: number; settleMs: number }) {
    const h = newHistogram();
    let deliveries = 0;
    let acked = 0;
    let ackErrors = 0;
    const ackCodes: Record<string, number> = {};
    const onMessage = (payload: any): void => {
      const content: string | undefined = payload?.message?.content;
      if (!content) return;
      const sent = Number(content.slice(0, content.indexOf('|')));
      if (!sent) return;
      deliveries += 1;
      h.recordValue(Math.max(1, nowUs() - sent));
    };
    for (const c of conns) c.socket.on('chat:message', onMessage);
    const byRoom = new Map<number, Conn[]>();
    for (const c of conns) if (c.joined) byRoom.set(c.groupId, [...(byRoom.get(c.groupId) ?? []), c]);
    const senders = [...byRoom.values()].flatMap((members) => members.slice(0, 10));
    const total = Math.round((msg.rate * msg.durationMs) / 1000);
    const pad = 'x'.repeat(msg.pad);
    const acks: Promise<void>[] = [];
    await paced(total, msg.durationMs, (i) => {
      const s = senders[i % senders.length]!;
      acks.push(
        ack(s.socket, 'chat:send', { groupId: s.groupId, content: `${nowUs()}|${pad}` })
          .then((r) => {
            if (r?.ok) acked += 1;
            else {
              ackErrors += 1;
              const code = r?.error?.code ?? 'unknown';
              ackCodes[code] = (ackCodes[code] ?? 0) + 1;
            }
          })
          .catch(() => {
            ackErrors += 1;
            ackCodes.TIMEOUT = (ackCodes.TIMEOUT ?? 0) + 1;
          }),
      );
    });
    await Promise.all(acks);
    await sleep(msg.settleMs);
    for (const c of conns) c.socket.off('chat:message', onMessage);
    const expected = senders.length ? acked * byRoom.get(senders[0]!.groupId)!.length : 0;
    return { sent: total, acked, ackErrors, ackCodes, deliveries, expectedDeliveries: expected, hist: encode(h) };
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

  async autocannon(msg: { url: string; tokens: Array<{ token: string; path: string }>; connections: number; durationS: number }) {
    let n = 0;
    const result = await autocannon({
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
    } as any);
    return {
      requestsPerSec: result.requests.average,
      total: result.requests.total,
      p50ms: result.latency.p50,
      p99ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
  },

  async close() {
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
