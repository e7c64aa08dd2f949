import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, defaultRedisKeyPrefix, loadConfig } from '../../src/lib/config';

const ROOT = path.resolve(__dirname, '..', '..');
const PEM = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----';

/** The ConfigError message loadConfig throws for `env`. */
function failure(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('when nothing is set, then the documented defaults apply (development, dev auth)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/studysync',
      redisUrl: 'redis://127.0.0.1:6379',
      nodeEnv: 'development',
      minSessionSeconds: 1,
      maxSessionHours: 12,
      presenceTtlSeconds: 60,
      // Derived from the default DATABASE_URL (127.0.0.1:5432/studysync), see docs/CONFIGURATION.md.
      redisKeyPrefix: defaultRedisKeyPrefix('postgres://postgres@127.0.0.1:5432/studysync'),
      devAuth: true,
    });
    expect(config.corsOrigins).toBeUndefined();
    expect(config.clerkJwtKey).toBeUndefined();
  });

  it('when lists and a key are given, then they are parsed (comma lists trimmed, \\n in the PEM unescaped)', () => {
    const config = loadConfig({
      CLERK_AUTHORIZED_PARTIES: 'https://a.example, https://b.example',
      CORS_ORIGINS: 'https://a.example,',
      CLERK_JWT_KEY: PEM.replace(/\n/g, '\\n'),
      NODE_ENV: 'production',
    });
    expect(config.clerkAuthorizedParties).toEqual(['https://a.example', 'https://b.example']);
    expect(config.corsOrigins).toEqual(['https://a.example']);
    expect(config.clerkJwtKey).toBe(PEM);
    expect(config.devAuth).toBe(false);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['CLERK_JWT_KEY', 'not-a-pem'],
    ['CLERK_WEBHOOK_SIGNING_SECRET', 'secret'],
    ['NODE_ENV', 'staging'],
    ['MIN_SESSION_SECONDS', '-5'],
    ['MIN_SESSION_SECONDS', '1.5'],
    ['MAX_SESSION_HOURS', '0'],
    ['MAX_SESSION_HOURS', '100'],
    ['PRESENCE_TTL_SECONDS', '1'],
    ['PRESENCE_TTL_SECONDS', 'sixty'],
    ['REDIS_KEY_PREFIX', 'has space'],
    ['LOG_LEVEL', 'loud'],
    ['CHAT_RATE_LIMIT', '0'],
    ['CHAT_RATE_WINDOW_SECONDS', '99999'],
    ['WORKER_CONCURRENCY', '1000'],
    ['STORAGE_DRIVER', 'ftp'],
    ['UPLOAD_MAX_BYTES', '0'],
    ['UPLOAD_MAX_BYTES', '6000000000'],
    ['GROUP_STORAGE_QUOTA_BYTES', '-1'],
    ['S3_BUCKET', 'No_Such Bucket'],
    ['S3_ENDPOINT', 'minio:9000'],
    ['S3_FORCE_PATH_STYLE', 'yes'],
  ])('when %s is %j, then a one-line error names the variable', (name, value) => {
    const message = failure({ [name]: value });
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${name} `));
    expect(message).not.toContain('\n');
  });

  it('when NODE_ENV is production without CLERK_JWT_KEY, then it refuses to start', () => {
    expect(failure({ NODE_ENV: 'production' })).toBe('Invalid configuration: CLERK_JWT_KEY is required when NODE_ENV is production');
  });

  it('when uploads are not configured, then the embedded disk store and the documented limits apply', () => {
    expect(loadConfig({})).toMatchObject({
      storage: { driver: 'disk', uploadDir: './data/uploads' },
      uploadMaxBytes: 50 * 1024 * 1024,
      groupStorageQuotaBytes: 1024 * 1024 * 1024,
    });
  });

  it('when STORAGE_DRIVER is s3, then S3_BUCKET is required and the endpoint settings are read', () => {
    expect(failure({ STORAGE_DRIVER: 's3' })).toBe('Invalid configuration: S3_BUCKET is required when STORAGE_DRIVER is s3');
    expect(loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'study-files', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'true' }).storage).toEqual({
      driver: 's3',
      bucket: 'study-files',
      endpoint: 'http://minio:9000',
      publicEndpoint: 'http://minio:9000',
      region: 'us-east-1',
      forcePathStyle: true,
    });
  });

  it('when a variable is set to the empty string, then its default applies', () => {
    expect(loadConfig({ PORT: '', REDIS_KEY_PREFIX: '' })).toMatchObject({ port: 3000, redisKeyPrefix: loadConfig({}).redisKeyPrefix });
  });
});

describe('src/bin/api.ts with a bad value', () => {
  it('when PORT=abc, then the process exits 1 printing one line naming PORT', () => {
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'src/bin/api.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'abc', NODE_ENV: 'development' },
      encoding: 'utf8',
      timeout: 45_000,
    });
    expect(result.status).toBe(1);
    const output = `${result.stdout}${result.stderr}`.trim();
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toMatch(/^Invalid configuration: PORT /);
  }, 60_000);
});
