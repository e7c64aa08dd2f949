import type { Duplex } from 'node:stream';

/**
 * Writes made during one turn of the event loop leave in one system call: the first write
 * of a turn corks the stream, and it is uncorked once that turn's I/O callbacks have run
 * (`setImmediate`). Node writes every `write` on its own otherwise, one system call each,
 * and on a loopback or virtualised network each one costs far more than the bytes
 * (docs/PERFORMANCE.md, sixth and eighth passes). Used on the Redis connections (a turn
 * carries the commands of many sockets' handshakes and joins) and on WebSocket
 * connections (the upgrade's `101` response and engine.io's `open` packet, written in
 * the same turn, leave together). Order, callbacks and errors are unchanged: only the
 * moment the bytes are handed to the kernel moves, within the turn.
 */
export function writePerTurn(stream: Duplex): void {
  const write = stream.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    stream.uncork();
  };
  stream.write = function (this: Duplex, ...args: Parameters<Duplex['write']>) {
    if (!corked) {
      corked = true;
      stream.cork();
      setImmediate(uncork);
    }
    return write.apply(this, args);
  } as Duplex['write'];
}
