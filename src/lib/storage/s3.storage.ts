import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import {
  assertKey,
  exactSize,
  feed,
  ObjectNotFoundError,
  type ByteRange,
  type ObjectInfo,
  type ObjectStorage,
  type PresignedRequest,
  type PresignGetOptions,
  type PutOptions,
} from './storage';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** Unset: AWS S3. */
  endpoint?: string;
  /** The endpoint as clients reach it; presigned URLs are signed for this host. */
  publicEndpoint?: string;
  forcePathStyle: boolean;
  /** Where the SDK's own messages go (debug level: failures surface as errors of our calls). */
  log?: (message: string) => void;
}

const isNotFound = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

/** Path style: the endpoint's origin; virtual-hosted style: the bucket's subdomain of it (AWS by default). */
function clientOriginOf(options: S3StorageOptions): string {
  const endpoint = new URL(options.publicEndpoint ?? options.endpoint ?? `https://s3.${options.region}.amazonaws.com`);
  if (!options.forcePathStyle) endpoint.hostname = `${options.bucket}.${endpoint.hostname}`;
  return endpoint.origin;
}

const sdkLogger = (log: (message: string) => void) => {
  const write = (...parts: unknown[]): void => log(parts.map(String).join(' '));
  return { trace: write, debug: write, info: write, warn: write, error: write };
};

/**
 * Any S3-compatible store (AWS S3, MinIO, …) through the AWS SDK v3. Credentials come from
 * the SDK's default chain. Checksums are only sent when an operation requires them, so
 * presigned URLs carry no checksum a browser could not reproduce, and S3-compatible
 * servers without the newer checksum headers work.
 */
export class S3Storage implements ObjectStorage {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  /** Signs only (no requests): URLs for clients, with the public host. */
  private readonly signer: S3Client;
  readonly clientOrigin: string;

  constructor(private readonly options: S3StorageOptions) {
    const base: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      logger: sdkLogger(options.log ?? (() => undefined)),
    };
    this.client = new S3Client({ ...base, endpoint: options.endpoint });
    this.clientOrigin = clientOriginOf(options);
    this.signer =
      options.publicEndpoint && options.publicEndpoint !== options.endpoint ? new S3Client({ ...base, endpoint: options.publicEndpoint }) : this.client;
  }

  async init(): Promise<void> {}

  async put(key: string, body: Readable, options: PutOptions): Promise<void> {
    assertKey(key);
    const counter = exactSize(options.size);
    // A failing body aborts the request (the SDK alone would wait for the rest of a body
    // that never comes); S3 stores a PUT only when it is complete.
    const abort = new AbortController();
    let failure: Error | undefined;
    counter.on('error', (error) => {
      failure ??= error;
      abort.abort();
    });
    feed(body, counter);
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: counter, ContentLength: options.size, ContentType: options.contentType }),
        { abortSignal: abort.signal },
      );
    } catch (error) {
      throw failure ?? error;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { size: Number(head.ContentLength ?? 0), contentType: head.ContentType ?? null };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertKey(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return out.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  /**
   * Signs `Content-Type`, `Content-Length` and `If-None-Match: *`: S3 refuses any other
   * length or type, and a second PUT once the object exists (conditional write), so the
   * URL stores one object of exactly the declared size, once.
   */
  async presignPut(key: string, options: PutOptions & { expiresInSeconds: number }): Promise<PresignedRequest> {
    assertKey(key);
    const command = new PutObjectCommand({
      Bucket: this.options.bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.size,
      IfNoneMatch: '*',
    });
    const url = await getSignedUrl(this.signer, command, {
      expiresIn: options.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length', 'if-none-match']),
    });
    return { url, headers: { 'Content-Type': options.contentType, 'If-None-Match': '*' } };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    assertKey(key);
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: key,
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
      ResponseCacheControl: `private, max-age=${options.expiresInSeconds}`,
    });
    return getSignedUrl(this.signer, command, { expiresIn: options.expiresInSeconds });
  }

  /** S3 keeps no partial objects (a PUT is all or nothing). */
  async sweepPartial(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    this.client.destroy();
    if (this.signer !== this.client) this.signer.destroy();
  }
}
