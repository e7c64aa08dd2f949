import fs from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { User } from './db/models';
import { bearerToken } from './components/auth/token-verifier';
import type { Authenticator } from './components/auth/auth.service';
import type { DevKeys } from './components/auth/dev-keys';
import { registerDevTokenRoute } from './components/auth/dev-token.routes';
import { createClerkWebhookRouter } from './components/auth/webhook.routes';
import { createOpsRouter } from './components/ops/ops.routes';
import { registerUserRoutes } from './components/users/users.routes';
import { registerTimerRoutes } from './components/timers/timer.routes';
import { registerChatRoutes } from './components/chat/chat.routes';
import { registerLeaderboardRoutes } from './components/leaderboards';
import { registerSessionRoutes } from './components/sessions';
import { registerStatsRoutes } from './components/stats';
import { registerGroupRoutes } from './components/groups/groups.routes';
import { registerResourceRoutes } from './components/resources/resources.routes';
import { registerNotificationRoutes } from './components/notifications/notifications.routes';
import { registerUploadReceiver, registerUploadRoutes } from './components/uploads/uploads.routes';
import type { AppContext } from './lib/context';
import { ApiRouter } from './lib/http/api-router';
import { jsonBody } from './lib/http/json-body';
import { errorHandler, notFoundHandler } from './lib/http/error-handler';
import { createRegistry, generateOpenApi } from './lib/http/openapi';
import { httpDurationHistogram } from './lib/metrics';

export interface AppDeps {
  authenticate: Authenticator;
  /** Present only in development without CLERK_JWT_KEY. */
  devKeys?: DevKeys;
}

/** Origins allowed for REST and the socket handshake (API.md `CORS_ORIGINS`). */
export function corsOrigin(ctx: AppContext): string[] | boolean {
  if (ctx.config.corsOrigins) return ctx.config.corsOrigins;
  return ctx.config.nodeEnv !== 'production';
}

/** Builds the Express app without listening (server.ts does that). */
export function createApplication(ctx: AppContext, deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.set('query parser', 'simple');

  const httpDuration = httpDurationHistogram(ctx.metrics);
  app.use(
    pinoHttp({
      logger: ctx.logger.child({ component: 'http' }),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' || req.url === '/readyz' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      serializers: { req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }) },
    }),
  );
  app.use((req, res, next) => {
    const end = httpDuration.startTimer({ method: req.method });
    res.on('finish', () =>
      end({ route: (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'static'), status: res.statusCode }),
    );
    next();
  });
  // With S3, the web client uploads to and plays media from the store's origin.
  const store = ctx.storage.clientOrigin ? [ctx.storage.clientOrigin] : [];
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'connect-src': ["'self'", 'ws:', 'wss:', ...store],
          'img-src': ["'self'", 'data:', 'https:', 'http:'],
          'media-src': ["'self'", ...store],
        },
      },
    }),
  );
  app.use(cors({ origin: corsOrigin(ctx), credentials: true, maxAge: 600 }));

  app.use(createOpsRouter(ctx));
  app.use(createClerkWebhookRouter(ctx));

  const json = jsonBody('1mb');
  const registry = createRegistry();
  const authenticate = (req: express.Request): Promise<User> => deps.authenticate(bearerToken(req.header('authorization')));

  if (deps.devKeys) {
    const dev = new ApiRouter(createRegistry(), authenticate);
    registerDevTokenRoute(dev, deps.devKeys, ctx.config.clerkAuthorizedParties?.[0]);
    app.use('/dev', json, dev.router);
  }

  const api = new ApiRouter(registry, authenticate);
  registerUserRoutes(api, ctx);
  registerTimerRoutes(api, ctx);
  registerChatRoutes(api, ctx);
  registerSessionRoutes(api, ctx);
  registerStatsRoutes(api, ctx);
  registerLeaderboardRoutes(api, ctx);
  registerGroupRoutes(api, ctx);
  registerResourceRoutes(api, ctx);
  registerUploadRoutes(api, ctx, authenticate);
  registerNotificationRoutes(api, ctx);

  let openapi: object | undefined;
  app.get('/api/openapi.json', (_req, res) => {
    openapi ??= generateOpenApi(registry);
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/api/openapi.json' } }));
  // Upload bytes are streamed raw: this router comes before any body parser.
  const raw = new ApiRouter(registry, authenticate);
  registerUploadReceiver(raw, ctx);
  app.use('/api', raw.router);
  app.use('/api', json, api.router, notFoundHandler);

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
