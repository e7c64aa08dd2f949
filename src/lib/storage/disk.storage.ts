import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { assertKey, exactSize, feed, ObjectNotFoundError, type ByteRange, type ObjectInfo, type ObjectStorage, type PutOptions } from './storage';

/** Partial writes live here until complete; never under an object's key. */
const PARTIAL_DIR = '.partial';

/**
 * The embedded store: one folder (`UPLOAD_DIR`). An object is a file at its key's path;
 * bytes are written under `.partial/<random>` and renamed onto the key only when exactly
 * the declared size arrived (and was flushed to disk), so a crash or a dropped connection
 * never leaves a visible object. Several API nodes may share the folder (a shared volume):
 * renames are atomic and partial names are random.
 */
export class DiskStorage implements ObjectStorage {
  readonly driver = 'disk' as const;
  readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  async init(): Promise<void> {
    await fsp.mkdir(path.join(this.root, PARTIAL_DIR), { recursive: true });
  }

  private pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<void> {
    const target = this.pathOf(key);
    const partial = path.join(this.root, PARTIAL_DIR, `${randomUUID()}.part`);
    const counter = exactSize(options.size);
    feed(body, counter);
    try {
      await pipeline(counter, fs.createWriteStream(partial, { flags: 'wx' }));
      await syncFile(partial);
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(partial, target);
      await syncFile(path.dirname(target));
    } catch (error) {
      await fsp.rm(partial, { force: true });
      throw error;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const st = await fsp.stat(this.pathOf(key));
      return st.isFile() ? { size: st.size, contentType: null } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    // Open first so a missing object is a clean rejection, not a stream error mid-response.
    const handle = await fsp.open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new ObjectNotFoundError(key) : error;
    });
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  async sweepPartial(olderThanMs: number): Promise<number> {
    const dir = path.join(this.root, PARTIAL_DIR);
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const file = path.join(dir, name);
      const st = await fsp.stat(file).catch(() => null);
      if (st && Date.now() - st.mtimeMs > olderThanMs) {
        await fsp.rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}
}

/** fsync a file or folder, so an acknowledged object survives a power loss. */
async function syncFile(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
