/**
 * Baselines: the same wire protocol with nothing behind it. `BARE_KIND=io` — Socket.IO,
 * no auth, no adapter; `io-redis` — with the same Redis adapter as the API nodes (run
 * two for a pair); `express` — Express routes answering fixed JSON bodies (BARE_ROUTES).
 * No validation, storage, or authorization: the floor the real node is compared with.
 */
import http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const kind = process.env.BARE_KIND ?? 'io';

if (kind === 'express') {
  const app = express();
  // BARE_ROUTES: [{path, body}] — each route answers exactly the JSON StudySync gave for it
  // in the same run (a probe request), so both sides serialise and send the same bytes.
  const routes: Array<{ path: string; body: unknown }> = process.env.BARE_ROUTES
    ? JSON.parse(process.env.BARE_ROUTES)
    : [
        {
          path: '/api/me',
          body: {
            userId: 'user_bench_0',
            username: 'user_bench_0',
            email: 'user_bench_0@bench.test',
            firstName: null,
            lastName: null,
            totalStudyTime: 0,
            preferences: {},
            currentStreak: 0,
            longestStreak: 0,
            createdAt: new Date().toISOString(),
            updatedAt: new Date().toISOString(),
          },
        },
      ];
  for (const route of routes) {
    app.get(route.path, (_req, res) => {
      res.json(route.body);
    });
  }
  app.listen(port, '127.0.0.1', () => console.log('listening'));
} else {
  const server = http.createServer();
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const opts: ConstructorParameters<typeof Server>[1] = { maxHttpBufferSize: 64 * 1024, pingInterval: 20_000, pingTimeout: 20_000 };
  if (kind === 'io-redis') {
    const pub = new Redis(redisUrl);
    const sub = pub.duplicate();
    opts.adapter = createAdapter(pub, sub, { key: `${process.env.REDIS_KEY_PREFIX ?? 'bench:'}bare:socket.io` });
  }
  const io = new Server(server, opts);
  io.on('connection', (socket) => {
    const userId = String(socket.handshake.auth?.userId ?? socket.id);
    socket.on('room:join', (p: { groupId: number }, ack) => {
      void socket.join(`group:${p.groupId}`);
      ack?.({ ok: true, state: { groupId: p.groupId, members: [] } });
    });
    socket.on('chat:send', (p: { groupId: number; content: string }, ack) => {
      const now = new Date().toISOString();
      io.to(`group:${p.groupId}`).emit('chat:message', {
        message: {
          id: 0,
          groupId: p.groupId,
          userId,
          username: userId,
          content: p.content,
          messageType: 'text',
          replyToId: null,
          isEdited: false,
          isDeleted: false,
          createdAt: now,
          updatedAt: now,
        },
      });
      ack?.({ ok: true });
    });
    let timer: { groupId: number; startedAt: string } | undefined;
    socket.on('timer:start', (p: { groupId: number }, ack) => {
      timer = { groupId: p.groupId, startedAt: new Date().toISOString() };
      io.to(`group:${p.groupId}`).emit('timer:started', { groupId: p.groupId, userId, startedAt: timer.startedAt });
      ack?.({ ok: true, timer });
    });
    socket.on('timer:stop', (_p: unknown, ack) => {
      if (timer) io.to(`group:${timer.groupId}`).emit('timer:stopped', { groupId: timer.groupId, userId, durationSeconds: 0 });
      timer = undefined;
      ack?.({ ok: true, session: null, discarded: true });
    });
  });
  server.listen(port, '127.0.0.1', () => console.log('listening'));
}
process.on('SIGTERM', () => process.exit(0));
