import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { io } from 'socket.io-client';
import { guardRequestListeners } from '../../src/lib/http/guard-listeners';
import { createLogger } from '../../src/lib/logger';
import { eventually } from '../helpers/eventually';
import { httpClient } from '../helpers/http';
import { spawnApiNode, type Proc } from '../helpers/processes';
import type { ClientSocket } from '../helpers/socket';
import { countWrites } from '../helpers/writes';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createGroup } from './fixtures';

/**
 * Socket.IO's default client transports: HTTP long-polling first, then the upgrade to
 * WebSocket. Every client that keeps the library's defaults depends on the polling
 * requests reaching engine.io (not Express), and no request may take a node down.
 */
describe('Socket.IO transports', () => {
  let app: TestApp;
  const opened: ClientSocket[] = [];
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const s of opened) s.close();
    await app.stop();
  });

  /** Transports each client used, in order (the first one it opened with, then upgrades). */
  const transportsOf = new Map<ClientSocket, string[]>();

  /** A client with the library's default transports (whatever TEST_SOCKET_TRANSPORTS says). */
  const defaultClient = (url: string, token: string): Promise<ClientSocket> => {
    const socket: ClientSocket = io(url, { auth: { token }, reconnection: false, forceNew: true, timeout: 5000 });
    opened.push(socket);
    const used: string[] = [];
    transportsOf.set(socket, used);
    socket.io.once('open', () => {
      used.push(socket.io.engine.transport.name);
      socket.io.engine.on('upgrade', (transport: { name: string }) => used.push(transport.name));
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  };

  it('when a raw long-polling handshake is sent, then engine.io answers with its open packet (not a 404) and the node keeps serving', async () => {
    const res = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body.startsWith('0{')).toBe(true);
    expect(JSON.parse(body.slice(1))).toMatchObject({ sid: expect.any(String), upgrades: ['websocket'] });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('when a client keeps the default transports, then it connects over polling, upgrades to WebSocket and its events are acknowledged', async () => {
    const u = await app.signedUpUser('poll');
    const group = await createGroup(u);
    const socket = await defaultClient(app.url, u.token);
    const ack = await (socket.timeout(5000) as any).emitWithAck('room:join', { groupId: group.id });
    expect(ack).toMatchObject({ ok: true, state: { groupId: group.id } });
    await eventually(() => expect(transportsOf.get(socket)).toEqual(['polling', 'websocket']));
    expect(await (socket.timeout(5000) as any).emitWithAck('room:leave', { groupId: group.id })).toEqual({ ok: true });
  });

  it('when long-polling clients connect to a node in its own process, then the node stays up and serves them', async () => {
    let node: Proc | undefined;
    try {
      node = await spawnApiNode(app.env);
      const u = await app.signedUpUser('pollproc');
      const sockets = await Promise.all([0, 1, 2].map(() => defaultClient(node!.url!, u.token)));
      const raw = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`);
      expect(raw.status).toBe(200);
      await raw.text();
      for (const socket of sockets)
        expect(await (socket.timeout(5000) as any).emitWithAck('timer:stop', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(node.child.exitCode).toBeNull();
      expect((await httpClient(node.url!).get('/healthz')).status).toBe(200);
    } finally {
      await node?.kill();
    }
  }, 60_000);

  it('when a client opens a WebSocket, then the 101 response and the open packet leave the node in one write', async () => {
    // Counted on the node's side of the connection: each `_write`/`_writev` is one system call.
    const server = app.node.io.httpServer;
    let writes: { count(): number } | undefined;
    const count = (_req: http.IncomingMessage, socket: Duplex): void => {
      writes = countWrites(socket);
    };
    server.prependListener('upgrade', count);
    const { port } = server.address() as AddressInfo;
    const client = net.connect(port, '127.0.0.1');
    try {
      let received = '';
      const opened = new Promise<void>((resolve, reject) => {
        client.on('data', (chunk: Buffer) => {
          received += chunk.toString('latin1');
          if (received.includes('0{"sid"')) resolve();
        });
        client.once('error', reject);
      });
      client.write(
        [
          'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
      await opened;
      expect(received.startsWith('HTTP/1.1 101 Switching Protocols')).toBe(true);
      expect(writes?.count()).toBe(1);
    } finally {
      server.removeListener('upgrade', count);
      client.destroy();
    }
  });

  it('when a request listener throws, then that request gets a 500 and the server keeps serving', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/boom') throw new Error('listener bug');
      res.end('fine');
    });
    guardRequestListeners(server, createLogger('silent'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const boom = await fetch(`${base}/boom`);
      expect(boom.status).toBe(500);
      expect(await boom.json()).toEqual({ error: { code: 'INTERNAL', message: 'Something went wrong' } });
      expect(await (await fetch(`${base}/ok`)).text()).toBe('fine');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
