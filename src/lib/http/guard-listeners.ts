import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown;

const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

/**
 * Makes sure no request can throw out of the HTTP layer: the server's `request` and
 * `upgrade` listeners (Express, engine.io) are each wrapped so that an error thrown
 * (or a promise rejected) by one is logged and answered with a 500 (or the upgrade
 * socket destroyed) instead of becoming an uncaught exception that stops the node.
 * Call it once every listener is attached (after Socket.IO).
 */
export function guardRequestListeners(server: Server, logger: Logger): void {
  const log = logger.child({ component: 'http' });
  const fail = (error: unknown, req: IncomingMessage, res: ServerResponse): void => {
    log.error({ err: error, method: req.method, url: req.url }, 'request listener failed');
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Something went wrong' } }));
    } else res.destroy();
  };
  const requests = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const listener of requests) {
      try {
        const result = listener.call(server, req, res);
        if (isThenable(result)) result.then(undefined, (error: unknown) => fail(error, req, res));
      } catch (error) {
        fail(error, req, res);
      }
    }
  });
  const upgrades = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    for (const listener of upgrades) {
      try {
        listener.call(server, req, socket, head);
      } catch (error) {
        log.error({ err: error, url: req.url }, 'upgrade listener failed');
        socket.destroy();
      }
    }
  });
}
