import { Transform, type Readable } from 'node:stream';

/**
 * Object storage behind one small interface, so uploads work the same on one machine
 * (`disk`) and on any S3-compatible store (`s3`). It knows keys and bytes only: no table,
 * no group, no user. Keys are `/`-separated segments of `A-Z a-z 0-9 _ . -`.
 */

export interface ObjectInfo {
  /** Bytes stored. */
  size: number;
  /** As stored by the backend (S3 keeps it; the disk store does not: null). */
  contentType: string | null;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A request a client sends itself, exactly as given (presigned S3 URLs). */
export interface PresignedRequest {
  url: string;
  headers: Record<string, string>;
}

export interface PutOptions {
  /** Exactly this many bytes must arrive: more is ObjectTooLargeError, fewer ObjectSizeMismatchError. */
  size: number;
  contentType: string;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Response headers the store sets on the download. */
  contentType: string;
  contentDisposition: string;
}

export interface ObjectStorage {
  readonly driver: 'disk' | 's3';
  /** The origin browsers send presigned requests to (for the web client's CSP); undefined when they only talk to the API. */
  readonly clientOrigin?: string;
  /** Prepares the store (the disk store creates its folder). */
  init(): Promise<void>;
  /**
   * Streams `body` into `key`, all or nothing: the object becomes visible only once
   * exactly `size` bytes arrived; on any failure (too many or too few bytes, a dropped
   * connection) nothing is kept under `key`. `body` is consumed but never destroyed by a
   * size refusal, so an HTTP handler can still answer on its socket.
   */
  put(key: string, body: Readable, options: PutOptions): Promise<void>;
  /** Size (and type, where the store keeps it) of a complete object; null when absent. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** The bytes (a range of them); rejects with ObjectNotFoundError when absent. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Idempotent: deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  /** S3 only: a PUT the client sends itself, signed for this exact length and type. */
  presignPut?(key: string, options: PutOptions & { expiresInSeconds: number }): Promise<PresignedRequest>;
  /** S3 only: a GET URL valid for a few minutes, with the response headers fixed by the signature. */
  presignGet?(key: string, options: PresignGetOptions): Promise<string>;
  /** Removes leftovers of writes that never finished, older than `olderThanMs` (a crashed process's partial files); returns how many. */
  sweepPartial(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}

export class ObjectTooLargeError extends Error {
  override name = 'ObjectTooLargeError';
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
  }
}

export class ObjectSizeMismatchError extends Error {
  override name = 'ObjectSizeMismatchError';
  constructor(
    readonly expected: number,
    readonly received: number,
  ) {
    super(`expected ${expected} bytes, received ${received}`);
  }
}

export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`no object ${key}`);
  }
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

/** Refuses keys that could escape the store's namespace (`..`, absolute paths, odd characters). */
export function assertKey(key: string): void {
  if (!KEY.test(key) || key.length > 512) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}

/**
 * Passes bytes through while counting them: fails with ObjectTooLargeError as soon as
 * more than `size` arrive, and with ObjectSizeMismatchError at the end when fewer did.
 */
export function exactSize(size: number): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > size) callback(new ObjectTooLargeError(size));
      else callback(null, chunk);
    },
    flush(callback) {
      callback(received === size ? null : new ObjectSizeMismatchError(size, received));
    },
  });
}

/**
 * Feeds `body` into `sink` without letting a failure of the sink destroy `body` (an HTTP
 * request whose socket must stay usable for the error answer), while a failure of `body`
 * (a dropped connection) does fail the sink.
 */
export function feed(body: Readable, sink: Transform): void {
  const abort = (error?: Error): void => {
    if (!sink.destroyed) sink.destroy(error ?? new Error('the body ended early (connection dropped)'));
  };
  body.on('error', abort);
  body.on('close', () => {
    if (!body.readableEnded) abort();
  });
  sink.on('error', () => body.unpipe(sink));
  body.pipe(sink);
}
