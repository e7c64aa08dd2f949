import { connectSocket, emitAck, emitUncheckedAck, type ClientSocket } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createGroup } from './fixtures';

/**
 * A socket is authenticated at the handshake, and stays so only while its token is
 * valid: at the token's expiry (plus the 5 s clock skew tokens are allowed) the server
 * disconnects it, unless the client sent a fresh token with `auth:refresh`.
 * Tokens here are issued already expired by 3 s (still inside the skew), so they run
 * out about 2 s after the handshake.
 */
describe('socket sessions end with their token', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const disconnected = (socket: ClientSocket, timeout = 15_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still connected after ${timeout} ms`)), timeout);
      socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });

  it('when a socket token expires and no fresh one was sent, then the server disconnects the socket', async () => {
    const u = await app.signedUpUser('expiring');
    const shortToken = await app.keys.sign(u, { expiresIn: -3 });
    const socket = await connectSocket(app.url, shortToken);
    expect(await disconnected(socket)).toBe('io server disconnect');
    // Reconnecting with the same token is refused.
    await expect(connectSocket(app.url, shortToken)).rejects.toMatchObject({ message: 'UNAUTHENTICATED' });
  });

  it('when the client sends a fresh token with auth:refresh, then the socket outlives the old token', async () => {
    const u = await app.signedUpUser('refresh');
    const group = await createGroup(u);
    const shortToken = await app.keys.sign(u, { expiresIn: -3 });
    const refreshed = await connectSocket(app.url, shortToken);
    const sentinel = await connectSocket(app.url, shortToken);
    expect(await emitAck(refreshed, 'auth:refresh', { token: await app.keys.sign(u, { expiresIn: 3600 }) })).toEqual({ ok: true });
    // The other socket with the same old token is disconnected at its expiry...
    expect(await disconnected(sentinel)).toBe('io server disconnect');
    // ...and the refreshed one is still up and served.
    expect(refreshed.connected).toBe(true);
    expect(await emitAck(refreshed, 'room:join', { groupId: group.id })).toMatchObject({ ok: true });
  });

  it('when auth:refresh carries a bad token, another user’s token or no token, then it is refused and the socket keeps its old expiry', async () => {
    const u = await app.signedUpUser('badrefresh');
    const other = await app.signedUpUser('other');
    const shortToken = await app.keys.sign(u, { expiresIn: -3 });
    const socket = await connectSocket(app.url, shortToken);
    const gone = disconnected(socket);
    expect(await emitAck(socket, 'auth:refresh', { token: 'garbage' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await emitAck(socket, 'auth:refresh', { token: await app.keys.sign(u, { expiresIn: -60 }) })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await emitAck(socket, 'auth:refresh', { token: other.token })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await emitUncheckedAck(socket, 'auth:refresh', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await gone).toBe('io server disconnect');
  });
});
