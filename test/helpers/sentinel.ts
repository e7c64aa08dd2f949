import type { HttpClient } from './http';
import { type ClientSocket, waitForEvent } from './socket';

/**
 * Proving an absence ("after X, this socket received no Y"). A fixed sleep proves
 * nothing: a late Y may come after it. Instead, after X, something is sent to the same
 * user by the same path (the broadcaster, through the Redis adapter), and awaited on
 * each observing socket. Socket.IO keeps the order of one connection's packets and Redis
 * the order of published messages, so once the sentinel has arrived every event sent to
 * those sockets before it has too: the record of what they received is complete.
 *
 * The sentinel is the user's own timer starting (`POST /api/timer/start`, no group):
 * every socket of the user hears `timer:state` with a timer. The user must have no
 * timer running; the timer is left running.
 */
export async function userSentinel(http: HttpClient, user: { token: string }, sockets: ClientSocket[]): Promise<void> {
  const arrived = sockets.map((socket) => waitForEvent(socket, 'timer:state', (p) => p.timer !== null));
  const res = await http.post('/api/timer/start', { token: user.token, body: {} });
  if (res.status !== 201 && res.status !== 200) throw new Error(`sentinel timer did not start: ${res.status} ${JSON.stringify(res.body)}`);
  await Promise.all(arrived);
}

/** True for the sentinel's own event in a record of received events. */
export const isSentinel = (e: { event: string; payload: unknown }): boolean =>
  e.event === 'timer:state' && (e.payload as { timer: unknown } | undefined)?.timer !== null;
