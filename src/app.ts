import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import { type Authenticator, bearerToken, createClerkWebhookRouter, type DevKeys, documentClerkWebhook, registerDevTokenRoute } from './components/auth';
import { registerChatRoutes } from './components/chat';
import { registerGroupRoutes } from './components/groups';
import { registerLeaderboardRoutes } from './components/leaderboards';
import { registerNotificationRoutes } from './components/notifications';
import { createOpsRouter, documentOpsRoutes } from './components/ops';
import { registerResourceRoutes } from './components/resources';
import { registerSessionRoutes } from './components/sessions';
import { registerStatsRoutes } from './components/stats';
import { registerTimerRoutes } from './components/timers';
import { registerUploadReceiver, registerUploadRoutes } from './components/uploads';
import { registerUserRoutes } from './components/users';
import type { AppContext, SignedInUser } from './context';
import { ApiRouter } from './lib/http/api-router';
import { errorHandler, notFoundHandler } from './lib/http/error-handler';
import { requestLogAndMetrics } from './lib/http/request-log';
import { createRegistry, documentApiDocuments, generateOpenApi } from './lib/http/openapi';
import { generateAsyncApi } from './realtime/asyncapi';
import { httpDurationHistogram } from './lib/metrics';
import { enforceWriteLimit, rateLimitedCounter } from './lib/rate-limit';

export interface AppDeps {
  authenticate: Authenticator;
  /** Present only in development without CLERK_JWT_KEY. */
  devKeys?: DevKeys;
}

/** JSON body limit of `/api` routes: the largest body a route takes is a few KB (API.md "Errors"). */
export const API_BODY_LIMIT = '64kb';
/** `POST /dev/token` (unauthenticated): a user id, a username and an e-mail. */
const DEV_TOKEN_BODY_LIMIT = '8kb';

/** Origins allowed for REST and the socket handshake (API.md `CORS_ORIGINS`). */
export function corsOrigin(ctx: AppContext): string[] | boolean {
  if (ctx.config.corsOrigins) return ctx.config.corsOrigins;
  return ctx.config.nodeEnv !== 'production';
}

/** `wss://host` for an `https://host` origin, `ws://host` for `http://host`. */
const webSocketOrigin = (origin: string): string => origin.replace(/^http/, 'ws');
const SAFE_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * helmet, per request: `upgrade-insecure-requests` and HSTS only when the page is served
 * over HTTPS (`req.secure`: TLS, or `X-Forwarded-Proto` from a trusted proxy) — over
 * plain HTTP they would blank the page for any host but localhost. `connect-src` allows
 * the page's own origin (and its WebSocket form) and the CORS_ORIGINS (and theirs), not
 * every WebSocket host.
 */
function securityHeaders(ctx: AppContext): express.RequestHandler {
  const origins = ctx.config.corsOrigins ?? [];
  const ownWebSocket = (req: IncomingMessage): string => {
    const host = req.headers.host ?? '';
    return SAFE_HOST.test(host) ? `${(req as express.Request).secure ? 'wss' : 'ws'}://${host}` : "'self'";
  };
  // With S3, the web client uploads to and plays media from the store's origin.
  const store = ctx.storage.clientOrigin ? [ctx.storage.clientOrigin] : [];
  const connectSrc = ["'self'", ownWebSocket, ...origins.flatMap((o) => [o, webSocketOrigin(o)]), ...store];
  const build = (secure: boolean) =>
    helmet({
      contentSecurityPolicy: {
        directives: {
          'connect-src': connectSrc,
          'img-src': ["'self'", 'data:', 'https:', 'http:'],
          'media-src': ["'self'", ...store],
          'upgrade-insecure-requests': secure ? [] : null,
        },
      },
      strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    });
  const overHttps = build(true);
  const overHttp = build(false);
  // Helmet's headers depend only on the scheme and the Host header (connect-src): they are
  // computed once per (scheme, host) and then set as a list, which saves helmet's eleven
  // middleware calls per request (about 15% of a cached read, docs/PERFORMANCE.md). Hosts
  // beyond the first few are answered uncached, so a client cycling Host headers cannot grow it.
  const known = new Map<string, ReadonlyArray<readonly [string, string]>>();
  return (req, res, next) => {
    const key = `${req.secure ? 'https' : 'http'} ${req.headers.host ?? ''}`;
    let headers = known.get(key);
    if (!headers) {
      headers = helmetHeaders(req.secure ? overHttps : overHttp, req);
      if (known.size < MEMOIZED_HOSTS) known.set(key, headers);
    }
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

const MEMOIZED_HOSTS = 32;

/** The headers a helmet middleware sets for this request, recorded on a stand-in response. */
function helmetHeaders(middleware: ReturnType<typeof helmet>, req: express.Request): Array<readonly [string, string]> {
  const headers: Array<readonly [string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let failed: unknown;
  middleware(req as IncomingMessage, recorder as never, (error?: unknown) => {
    failed = error;
  });
  if (failed) throw failed;
  return headers;
}

/**
 * Builds the Express app without listening (server.ts does that): every component's REST
 * routes on one ApiRouter (the one list of them), the ops and webhook routers, the
 * OpenAPI document and the web client.
 */
export function createApplication(ctx: AppContext, deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.set('query parser', 'simple');

  const httpDuration = httpDurationHistogram(ctx.metrics);
  rateLimitedCounter(ctx.metrics); // registered at start, so dashboards see it at zero
  app.use(requestLogAndMetrics(ctx.logger.child({ component: 'http' }), httpDuration));
  app.use(securityHeaders(ctx));
  app.use(cors({ origin: corsOrigin(ctx), credentials: true, maxAge: 600 }));

  app.use(createOpsRouter(ctx));
  app.use(createClerkWebhookRouter(ctx));

  const registry = createRegistry();
  documentOpsRoutes(registry);
  documentClerkWebhook(registry);
  documentApiDocuments(registry);
  const authenticate = async (req: express.Request): Promise<SignedInUser> => (await deps.authenticate(bearerToken(req.header('authorization')))).user;

  if (deps.devKeys) {
    // Unauthenticated: a small body limit (its body is four short strings).
    const dev = new ApiRouter(registry, authenticate, { jsonLimit: DEV_TOKEN_BODY_LIMIT, basePath: '/dev' });
    registerDevTokenRoute(dev, ctx, deps.devKeys);
    app.use('/dev', dev.router);
  }

  // Bodies are read per route, after authentication (a raw-bytes route can opt out).
  const api = new ApiRouter(registry, authenticate, { jsonLimit: API_BODY_LIMIT, beforeWrite: (user) => enforceWriteLimit(ctx, user.userId) });
  registerUserRoutes(api, ctx);
  registerTimerRoutes(api, ctx);
  registerChatRoutes(api, ctx);
  registerSessionRoutes(api, ctx);
  registerStatsRoutes(api, ctx);
  registerLeaderboardRoutes(api, ctx);
  registerGroupRoutes(api, ctx);
  registerResourceRoutes(api, ctx);
  registerUploadRoutes(api, ctx, authenticate);
  // Upload bytes are streamed raw: the receiver's route declares no JSON body, so none is parsed.
  registerUploadReceiver(api, ctx);
  registerNotificationRoutes(api, ctx);

  let openapi: object | undefined;
  app.get('/api/openapi.json', (_req, res) => {
    openapi ??= generateOpenApi(registry);
    res.json(openapi);
  });
  // The Socket.IO events (AsyncAPI 3), from the same schemas the socket handlers validate with; no authentication.
  app.get('/api/asyncapi.json', (req, res) => {
    res.json(generateAsyncApi(req.get('host')));
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/api/openapi.json' } }));
  app.use('/api', api.router, notFoundHandler);

  // web/dist beside src/ (tsx) or beside dist/ (compiled build: dist/src/app.js).
  const webDir =
    ctx.config.webDir ??
    [path.resolve(__dirname, '..', 'web', 'dist'), path.resolve(__dirname, '..', '..', 'web', 'dist')].find((dir) => fs.existsSync(dir)) ??
    '';
  if (fs.existsSync(path.join(webDir, 'index.html'))) {
    // index.html (and the icons) revalidate on every load, so a deploy shows at once;
    // Vite's content-hashed /assets/* never change under a name: cached for a year.
    const cacheControl = (res: express.Response, file: string): void => {
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    };
    app.use(express.static(webDir, { index: 'index.html', cacheControl: false, setHeaders: cacheControl }));
    app.get(/^\/(?!api\/|socket\.io\/|dev\/|webhooks\/).*/, (req, res, next) =>
      req.accepts(['json', 'html']) === 'html'
        ? res.sendFile(path.join(webDir, 'index.html'), { cacheControl: false, headers: { 'Cache-Control': 'no-cache' } })
        : next(),
    );
  }

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger.child({ component: 'http' })));
  return app;
}
