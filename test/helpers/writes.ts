import type { Duplex } from 'node:stream';

type Write = (this: Duplex, ...args: unknown[]) => void;

/** Counts the writes a stream hands to the kernel (one `_write` or `_writev` call each: one system call on a socket). */
export function countWrites(stream: Duplex): { count(): number } {
  const raw = stream as Duplex & { _write: Write; _writev: Write };
  let writes = 0;
  const { _write, _writev } = raw;
  raw._write = function (this: Duplex, ...args: unknown[]) {
    writes += 1;
    return _write.apply(this, args);
  };
  raw._writev = function (this: Duplex, ...args: unknown[]) {
    writes += 1;
    return _writev.apply(this, args);
  };
  return { count: () => writes };
}
