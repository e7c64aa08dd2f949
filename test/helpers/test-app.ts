import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';
import { startApiNode, type ApiNode } from '../../src/server';
import type { WorkerNode } from '../../workers/worker';
import { isolate, type Isolation } from './database';
import { httpClient, type HttpClient } from './http';
import { closeAllSockets } from './socket';
import { createTestKeys, newUser, type TestKeys, type TestUser, type TokenOptions } from './tokens';

export interface TestApp {
  url: string;
  node: ApiNode;
  config: Config;
  /** Environment for extra nodes/workers (in-process or spawned) on the same database and Redis prefix. */
  env: Record<string, string>;
  keys: TestKeys;
  isolation: Isolation;
  http: HttpClient;
  /** A new user with a valid token (created in the database on first use of the token). */
  user(name?: string, options?: TokenOptions): Promise<TestUser & { token: string }>;
  /** The same user, created now through GET /api/me. */
  signedUpUser(name?: string): Promise<TestUser & { token: string }>;
  startWorker(): Promise<WorkerNode>;
  /**
   * Stops the API node as a crash-free outage would (sockets dropped, port closed);
   * `startNode()` brings a fresh node back on the same port, so clients reconnect to the
   * same URL. Workers, the database and Redis stay up. `node` is the current node.
   */
  stopNode(): Promise<void>;
  startNode(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * For test files that legitimately burst one user's writes far beyond any person's pace
 * (table-driven authorization checks, fixtures built through REST, fuzzing): lifts the
 * per-user write and typing limits. Files testing the limits keep the defaults.
 */
export const BURSTING_TEST_LIMITS: Record<string, string> = {
  WRITE_RATE_BURST: '100000',
  WRITE_RATE_PER_MINUTE: '1000000',
  TYPING_RATE_BURST: '100000',
  TYPING_RATE_PER_MINUTE: '1000000',
};

export interface TestAppOptions {
  /** Extra environment (e.g. PRESENCE_TTL_SECONDS); CLERK_JWT_KEY is set to the test key unless `devAuth`. */
  env?: Record<string, string>;
  /** Run without CLERK_JWT_KEY so /dev/token is served. */
  devAuth?: boolean;
  /** Also start an in-process worker. */
  worker?: boolean;
}

/**
 * One API node in this process, on port 0, with its own database (cloned from the
 * migrated template) and Redis prefix. `stop()` tears everything down.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const isolation = await isolate();
  const keys = await createTestKeys();
  // The embedded upload store of this app (and of its spawned nodes and workers).
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studysync-uploads-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: isolation.databaseUrl,
    REDIS_URL: isolation.redisUrl,
    REDIS_KEY_PREFIX: isolation.redisKeyPrefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    UPLOAD_DIR: uploadDir,
    ...(options.devAuth ? {} : { CLERK_JWT_KEY: keys.publicPem }),
    ...(options.env ?? {}),
  };
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, { test: true });
  let node = await startApiNode(config, logger);
  let nodeStopped = false;
  const port = node.port;
  const workers: WorkerNode[] = [];
  const http = httpClient(node.url);
  let stopping: Promise<void> | undefined;
  const app: TestApp = {
    url: node.url,
    get node() {
      return node;
    },
    config,
    env,
    keys,
    isolation,
    http,
    user: async (name, tokenOptions) => {
      const u = newUser(name);
      return { ...u, token: await keys.sign(u, tokenOptions) };
    },
    signedUpUser: async (name) => {
      const u = await app.user(name);
      const res = await http.get('/api/me', { token: u.token });
      if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
      return u;
    },
    startWorker: async () => {
      // Loaded lazily so REST-only test files do not load the worker code.
      const { startWorker } = await import('../../workers/worker');
      const worker = await startWorker(config, logger);
      workers.push(worker);
      return worker;
    },
    stopNode: async () => {
      nodeStopped = true;
      await node.stop();
    },
    startNode: async () => {
      if (!nodeStopped) throw new Error('startNode: the node is running');
      // The port was just released; retry briefly in case the OS has not let go of it yet.
      for (let attempt = 0; ; attempt += 1) {
        try {
          node = await startApiNode({ ...config, port }, logger);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      nodeStopped = false;
    },
    stop: () =>
      (stopping ??= (async () => {
        closeAllSockets();
        await Promise.all(workers.map((w) => w.stop()));
        await node.stop();
        await isolation.cleanup();
        fs.rmSync(uploadDir, { recursive: true, force: true });
      })()),
  };
  if (options.worker) await app.startWorker();
  return app;
}
