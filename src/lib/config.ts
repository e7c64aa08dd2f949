import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The one place that reads `process.env`: every variable of docs/API.md "Configuration"
 * (more on each in docs/CONFIGURATION.md). A bad value stops the
 * process with a one-line message naming the variable.
 */

const intInRange = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be an integer between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be an integer between ${min} and ${max}`).max(max, `must be an integer between ${min} and ${max}`));

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`,
    );

/** S3's limit for one PUT (5 GiB); the disk store uses the same ceiling. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 * 1024 * 1024;

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const envSchema = z.object({
  PORT: intInRange(0, 65535).default(3000),
  HOST: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:-]{1,253}$/, 'must be an IP address or a host name')
    .optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/studysync'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  CLERK_JWT_KEY: z
    .string()
    .transform((value) => value.replace(/\\n/g, '\n').trim())
    .refine((value) => /-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/.test(value), 'must be a PEM public key')
    .optional(),
  CLERK_AUTHORIZED_PARTIES: csv.optional(),
  CLERK_WEBHOOK_SIGNING_SECRET: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be a whsec_… Svix secret')
    .optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  MIN_SESSION_SECONDS: intInRange(0, 86_400).default(1),
  MAX_SESSION_HOURS: intInRange(1, 48).default(12),
  // Focus timers (issue 15).
  DAILY_CAP_HOURS: intInRange(1, 24).default(14),
  AFK_GRACE_SECONDS: intInRange(1, 86_400).default(180),
  POMODORO_MINUTE_SECONDS: intInRange(1, 60).default(60),
  PRESENCE_TTL_SECONDS: intInRange(2, 3600).default(60),
  CORS_ORIGINS: csv.optional(),
  // Extensions (docs/CONFIGURATION.md).
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,32}$/, 'must be 1-32 of A-Z a-z 0-9 : _ -')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CHAT_RATE_LIMIT: intInRange(1, 10_000).default(20),
  CHAT_RATE_WINDOW_SECONDS: intInRange(1, 3600).default(10),
  WRITE_RATE_PER_MINUTE: intInRange(1, 1_000_000).default(600),
  WRITE_RATE_BURST: intInRange(1, 100_000).default(30),
  TYPING_RATE_PER_MINUTE: intInRange(1, 1_000_000).default(60),
  TYPING_RATE_BURST: intInRange(1, 100_000).default(10),
  INVITATIONS_PER_HOUR_PER_INVITER: intInRange(1, 1_000_000).default(50),
  INVITATIONS_PER_HOUR_PER_INVITEE: intInRange(1, 1_000_000).default(20),
  USER_SEARCH_RATE_BURST: intInRange(1, 100_000).default(20),
  USER_SEARCH_RATE_PER_MINUTE: intInRange(1, 1_000_000).default(60),
  MAX_SOCKETS_PER_USER: intInRange(1, 100_000).default(10),
  WORKER_CONCURRENCY: intInRange(1, 256).default(16),
  SESSION_BATCH_MAX: intInRange(1, 1000).default(256),
  WORKER_LOCK_MS: intInRange(200, 600_000).default(30_000),
  WORKER_METRICS_PORT: intInRange(0, 65535).optional(),
  WEB_DIR: z.string().optional(),
  // Uploads (API.md "Uploads").
  STORAGE_DRIVER: z.enum(['disk', 's3']).default('disk'),
  UPLOAD_DIR: z.string().trim().min(1).default('./data/uploads'),
  UPLOAD_MAX_BYTES: intInRange(1, MAX_SINGLE_PUT_BYTES).default(50 * 1024 * 1024),
  GROUP_STORAGE_QUOTA_BYTES: intInRange(0, Number.MAX_SAFE_INTEGER).default(1024 * 1024 * 1024),
  S3_BUCKET: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 of a-z 0-9 . -)')
    .optional(),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_PUBLIC_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_REGION: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{2,32}$/, 'must be a region name such as us-east-1')
    .default('us-east-1'),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).default('false'),
  METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').max(512).optional(),
});

/** The names of every environment variable read (docs/API.md "Configuration" lists each). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  port: number;
  /**
   * Interface the API node (and the worker's metrics) listens on. Default: 127.0.0.1
   * outside production (a development node mints tokens for anyone who reaches it),
   * every interface (0.0.0.0) in production.
   */
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /** PEM public key; when unset outside production the server makes a dev key pair. */
  clerkJwtKey?: string;
  clerkAuthorizedParties?: string[];
  clerkWebhookSigningSecret?: string;
  nodeEnv: 'development' | 'production' | 'test';
  minSessionSeconds: number;
  maxSessionHours: number;
  /** Counted focus time per user per local day never exceeds this (a running timer stops at it; a stored session is shortened to fit). */
  dailyCapHours: number;
  /** A timer started over a socket stops by itself once its user has had no connected socket for this long (ending when the last one went). */
  afkGraceSeconds: number;
  /** Length of a Pomodoro "minute" in seconds: 60, shortened only by tests and demos. */
  pomodoroMinuteSeconds: number;
  presenceTtlSeconds: number;
  /** Allowed browser origins; undefined means any origin in development, same-origin only in production. */
  corsOrigins?: string[];
  /**
   * Prefix of every Redis key, queue and adapter channel: lets several deployments or test
   * files share one Redis. Default: derived from the database (see defaultRedisKeyPrefix).
   */
  redisKeyPrefix: string;
  logLevel: string;
  /** Chat messages a user may send per window, across all nodes. */
  chatRateLimit: number;
  chatRateWindowSeconds: number;
  /**
   * Per-user write limit (REST POST/PUT/PATCH/DELETE and socket write events, all nodes):
   * a token bucket of `writeRateBurst` refilled at `writeRatePerMinute`.
   */
  writeRatePerMinute: number;
  writeRateBurst: number;
  /** `chat:typing` per user: its own bucket, so typing never uses up the write limit. */
  typingRatePerMinute: number;
  typingRateBurst: number;
  /** Invitations a user may send per hour, and receive per hour (from anyone). */
  invitationsPerHourPerInviter: number;
  invitationsPerHourPerInvitee: number;
  /** `GET /api/users?search=` per user: a burst (typing a name) and a sustained rate, so the directory cannot be walked. */
  userSearchRateBurst: number;
  userSearchRatePerMinute: number;
  /** Sockets one user may hold at once, across all nodes (more are refused at the handshake). */
  maxSocketsPerUser: number;
  workerConcurrency: number;
  /** Ready session jobs a worker takes at once and stores in one transaction (its sessions queue runs at least this many jobs at once). */
  sessionBatchMax: number;
  /** BullMQ job lock; a crashed worker's active jobs are retried by another worker after about this long (stalled check at the same interval). */
  workerLockMs: number;
  /** When set, the worker serves Prometheus `/metrics` (incl. queue depths) on this port. */
  workerMetricsPort?: number;
  /** Folder of the built web client served at `/`. */
  webDir?: string;
  /**
   * Bearer token `/metrics` (API nodes and the worker) requires. Unset: open in
   * development/test, closed (401) in production.
   */
  metricsToken?: string;
  /** True when `/dev/token` is served and a dev key pair is used. */
  devAuth: boolean;
  /** Where uploaded bytes live (API.md "Uploads"). */
  storage: StorageConfig;
  /** Largest upload accepted, in bytes. */
  uploadMaxBytes: number;
  /** Bytes a group may hold in live uploaded resources plus uploads still in flight. */
  groupStorageQuotaBytes: number;
}

/**
 * `disk`: the embedded store, a folder of this machine (one machine, or a volume shared by
 * every API node and the worker). `s3`: any S3-compatible store; credentials come from the
 * AWS SDK's default chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles, instance
 * roles), never from this module.
 */
export type StorageConfig =
  | { driver: 'disk'; uploadDir: string }
  | {
      driver: 's3';
      bucket: string;
      /** Unset: AWS S3 itself. */
      endpoint?: string;
      /** The endpoint as browsers reach it, for presigned URLs (default: `endpoint`). */
      publicEndpoint?: string;
      region: string;
      forcePathStyle: boolean;
    };

/**
 * The default `REDIS_KEY_PREFIX`: `ss:<database name>-<hash>:`, derived from the host,
 * port and name of `DATABASE_URL` (not its credentials). Every node and worker of one
 * deployment share the database, so they agree on it; two deployments sharing a Redis
 * never do — Redis pub/sub channels ignore database numbers, so without this they would
 * hear each other's room events and share job queues.
 */
export function defaultRedisKeyPrefix(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1)) || 'postgres';
  const identity = `${url.hostname.toLowerCase()}:${url.port || '5432'}/${name}`;
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 8);
  const readable = name.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 16);
  return `ss:${readable ? `${readable}-` : ''}${hash}:`;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses and validates the environment. Throws a ConfigError with a one-line message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const name = String(issue.path[0] ?? 'environment');
    const message = issue.code === 'invalid_value' ? `must be one of ${(issue as { values?: unknown[] }).values?.join(', ')}` : issue.message;
    throw new ConfigError(`Invalid configuration: ${name} ${message}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.CLERK_JWT_KEY) {
    throw new ConfigError('Invalid configuration: CLERK_JWT_KEY is required when NODE_ENV is production');
  }
  const bucket = e.S3_BUCKET;
  if (e.STORAGE_DRIVER === 's3' && !bucket) {
    throw new ConfigError('Invalid configuration: S3_BUCKET is required when STORAGE_DRIVER is s3');
  }
  const storage: StorageConfig =
    e.STORAGE_DRIVER === 's3' && bucket
      ? {
          driver: 's3',
          bucket,
          endpoint: e.S3_ENDPOINT,
          publicEndpoint: e.S3_PUBLIC_ENDPOINT ?? e.S3_ENDPOINT,
          region: e.S3_REGION,
          forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true' || e.S3_FORCE_PATH_STYLE === '1',
        }
      : { driver: 'disk', uploadDir: e.UPLOAD_DIR };
  return {
    port: e.PORT,
    host: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    clerkJwtKey: e.CLERK_JWT_KEY,
    clerkAuthorizedParties: e.CLERK_AUTHORIZED_PARTIES,
    clerkWebhookSigningSecret: e.CLERK_WEBHOOK_SIGNING_SECRET,
    nodeEnv: e.NODE_ENV,
    minSessionSeconds: e.MIN_SESSION_SECONDS,
    maxSessionHours: e.MAX_SESSION_HOURS,
    dailyCapHours: e.DAILY_CAP_HOURS,
    afkGraceSeconds: e.AFK_GRACE_SECONDS,
    pomodoroMinuteSeconds: e.POMODORO_MINUTE_SECONDS,
    presenceTtlSeconds: e.PRESENCE_TTL_SECONDS,
    corsOrigins: e.CORS_ORIGINS,
    redisKeyPrefix: e.REDIS_KEY_PREFIX ?? defaultRedisKeyPrefix(e.DATABASE_URL),
    logLevel: e.LOG_LEVEL,
    chatRateLimit: e.CHAT_RATE_LIMIT,
    chatRateWindowSeconds: e.CHAT_RATE_WINDOW_SECONDS,
    writeRatePerMinute: e.WRITE_RATE_PER_MINUTE,
    writeRateBurst: e.WRITE_RATE_BURST,
    typingRatePerMinute: e.TYPING_RATE_PER_MINUTE,
    typingRateBurst: e.TYPING_RATE_BURST,
    invitationsPerHourPerInviter: e.INVITATIONS_PER_HOUR_PER_INVITER,
    invitationsPerHourPerInvitee: e.INVITATIONS_PER_HOUR_PER_INVITEE,
    userSearchRateBurst: e.USER_SEARCH_RATE_BURST,
    userSearchRatePerMinute: e.USER_SEARCH_RATE_PER_MINUTE,
    maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
    workerConcurrency: e.WORKER_CONCURRENCY,
    sessionBatchMax: e.SESSION_BATCH_MAX,
    workerLockMs: e.WORKER_LOCK_MS,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    webDir: e.WEB_DIR,
    metricsToken: e.METRICS_TOKEN,
    devAuth: e.NODE_ENV !== 'production' && !e.CLERK_JWT_KEY,
    storage,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    groupStorageQuotaBytes: e.GROUP_STORAGE_QUOTA_BYTES,
  };
}
