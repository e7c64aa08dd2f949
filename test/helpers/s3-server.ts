/**
 * A local S3-compatible server for tests: the `s3rver` package (pure JS) on 127.0.0.1,
 * never the network. s3rver lacks two S3 behaviours the uploads rely on, so a small front
 * adds them, following S3's documented semantics:
 * - a PUT is stored only once its body arrived completely (s3rver writes as bytes come, so
 *   a dropped connection would leave a partial object; S3 never does);
 * - presigned (query-string) SigV4 requests are verified: signature over the signed headers
 *   (so a `Content-Length` or `Content-Type` other than the signed one is refused with
 *   403 SignatureDoesNotMatch), expiry, and `If-None-Match: *` (412 when the key exists).
 * Requests signed with an Authorization header (the SDK's own calls) pass through.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (
  options: Record<string, unknown>,
) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};

export const TEST_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3Server {
  /** The endpoint to give S3_ENDPOINT / S3_PUBLIC_ENDPOINT. */
  endpoint: string;
  bucket: string;
  /** Environment for an app using this server (STORAGE_DRIVER=s3 …). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** null when the presigned request is valid, else the S3 error code. */
function checkPresigned(req: http.IncomingMessage, url: URL, secret: string): string | null {
  const q = url.searchParams;
  const amzDate = q.get('X-Amz-Date') ?? '';
  const expires = Number(q.get('X-Amz-Expires'));
  const credential = q.get('X-Amz-Credential') ?? '';
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m || !Number.isFinite(expires) || !credential) return 'AuthorizationQueryParametersError';
  const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (Date.now() > signedAt + expires * 1000) return 'AccessDenied';
  const scope = credential.split('/').slice(1).join('/');
  const [date, region, service] = credential.split('/').slice(1);
  const query = [...q.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = signedHeaders
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonical = [req.method, url.pathname, query, headers, signedHeaders.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', key).update(toSign, 'utf8').digest('hex'));
  const given = Buffer.from(q.get('X-Amz-Signature') ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'SignatureDoesNotMatch';
}

const s3Error = (res: http.ServerResponse, status: number, code: string): void => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
};

/** Starts s3rver with one bucket behind the front described above; `stop()` removes its files. */
export async function startTestS3(bucket = 'studysync-test'): Promise<TestS3Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studysync-s3-'));
  const inner = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const innerAddress = await inner.run();
  const forward = (req: http.IncomingMessage, body: Buffer | undefined, method = req.method): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers };
      delete headers['if-none-match'];
      if (!body) {
        delete headers['content-length'];
        delete headers['transfer-encoding'];
      }
      const out = http.request({ host: '127.0.0.1', port: innerAddress.port, method, path: req.url, headers, agent: false }, resolve);
      out.on('error', reject);
      out.end(body);
    });

  const front = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // Only a complete body is forwarded: a dropped upload never gets here, and S3 keeps nothing.
    req.on('end', async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://local');
        if (url.searchParams.has('X-Amz-Signature')) {
          const problem = checkPresigned(req, url, TEST_S3_CREDENTIALS.secretAccessKey);
          if (problem) return s3Error(res, problem === 'AuthorizationQueryParametersError' ? 400 : 403, problem);
          if (req.method === 'PUT' && req.headers['if-none-match'] === '*') {
            const head = await forward(req, undefined, 'HEAD');
            head.resume();
            if (head.statusCode === 200) return s3Error(res, 412, 'PreconditionFailed');
          }
        }
        const answer = await forward(req, req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks));
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      } catch {
        if (!res.headersSent) s3Error(res, 500, 'InternalError');
      }
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    bucket,
    env: { STORAGE_DRIVER: 's3', S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true' },
    stop: () =>
      (stopped ??= (async () => {
        front.closeAllConnections();
        await new Promise<void>((resolve) => front.close(() => resolve()));
        await inner.close();
        fs.rmSync(dir, { recursive: true, force: true });
      })()),
  };
}

/** The AWS SDK's default chain reads these: the test server's fixed credentials. */
export function useTestS3Credentials(): void {
  process.env.AWS_ACCESS_KEY_ID = TEST_S3_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = TEST_S3_CREDENTIALS.secretAccessKey;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
