import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { ZodObject, ZodType } from 'zod';
import { unauthenticated } from '../errors';
import { parseInput, type z } from '../validation';
import { jsonBody, parseBody } from './json-body';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Out<S> = S extends ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends ZodObject | undefined, Q extends ZodObject | undefined, B extends ZodType | undefined> {
  method: Method;
  /** Express-style path under `/api`, e.g. `/groups/:id`. */
  path: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Schema of the success body (documentation; responses are shaped by the handler). */
  response?: ZodType;
  /** Success status; 204 sends no body. Default 200. */
  status?: 200 | 201 | 204;
  /** Error codes this route can answer, for the OpenAPI document. */
  errors?: number[];
  /** A write that is never refused by the per-user write limit (e.g. stopping a timer). */
  unlimited?: boolean;
  /** The body is raw bytes of this media type, streamed by the handler (never parsed): documented as binary. */
  rawBody?: string;
  /** The success body is bytes of any type (`*\/*`, binary) rather than JSON. */
  binaryResponse?: boolean;
  /** Other success answers, for the OpenAPI document (e.g. `{206: 'Partial content'}`). */
  otherResponses?: Record<number, string>;
  /** How a public route is authorised instead of the bearer token, for the OpenAPI document. */
  authNote?: string;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

/** Resolves the caller of an authenticated route (or throws UNAUTHENTICATED / USER_NOT_SYNCED). */
export type Authenticate<U> = (req: Request) => Promise<U>;

export interface ApiRouterOptions<U> {
  /** Body size limit of this router's JSON routes (body-parser syntax, e.g. `64kb`). */
  jsonLimit: string;
  /** Where the router is mounted, for the OpenAPI paths. Default `/api`. */
  basePath?: string;
  /**
   * Runs after authentication and before the body is read, for every authenticated
   * route that changes something (POST, PUT, PATCH, DELETE): the per-user write limit.
   */
  beforeWrite?: (user: U, req: Request) => Promise<void>;
}

const WRITE_METHODS = new Set<Method>(['post', 'put', 'patch', 'delete']);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN or USER_NOT_SYNCED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/**
 * `?limit=&cursor=` (an empty value, as in API.md's route templates) means the
 * parameter is omitted: its default applies.
 */
export function withoutEmptyValues(query: Request['query']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query ?? {}).filter(([, value]) => value !== ''));
}

/**
 * An Express router whose every route is validated and documented from the same zod
 * schemas: `/api/openapi.json` is generated from what `route()` registered here. `U` is
 * what `authenticate` resolves the caller to (the application decides; this toolbox
 * knows no user table).
 */
export class ApiRouter<U> {
  readonly router: Router = express.Router();
  private readonly json: RequestHandler;

  constructor(
    private readonly registry: OpenAPIRegistry,
    private readonly authenticate: Authenticate<U>,
    private readonly options: ApiRouterOptions<U>,
  ) {
    this.json = jsonBody(options.jsonLimit);
  }

  /** An authenticated route: the handler receives the caller as `user`. */
  route<P extends ZodObject | undefined = undefined, Q extends ZodObject | undefined = undefined, B extends ZodType | undefined = undefined>(
    spec: RouteSpec<P, Q, B>,
    handler: (input: RouteInput<Out<P>, Out<Q>, Out<B>> & { user: U }) => Promise<unknown> | unknown,
  ): void {
    this.add(spec, true, async (input, user) => {
      if (!user) throw unauthenticated();
      return handler({ ...input, user });
    });
  }

  /** A route without authentication. */
  publicRoute<P extends ZodObject | undefined = undefined, Q extends ZodObject | undefined = undefined, B extends ZodType | undefined = undefined>(
    spec: RouteSpec<P, Q, B>,
    handler: (input: RouteInput<Out<P>, Out<Q>, Out<B>>) => Promise<unknown> | unknown,
  ): void {
    this.add(spec, false, async (input) => handler(input));
  }

  private add<P extends ZodObject | undefined, Q extends ZodObject | undefined, B extends ZodType | undefined>(
    spec: RouteSpec<P, Q, B>,
    auth: boolean,
    run: (input: RouteInput<Out<P>, Out<Q>, Out<B>>, user: U | undefined) => Promise<unknown>,
  ): void {
    this.document(spec, auth);
    const status = spec.status ?? 200;
    this.router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        // Authenticate before reading the body: an anonymous request costs no parsing, and
        // strangers learn nothing from validation errors. Only routes taking a body read one.
        const user = auth ? await this.authenticate(req) : undefined;
        if (user && WRITE_METHODS.has(spec.method) && !spec.unlimited) await this.options.beforeWrite?.(user, req);
        if (spec.body) await parseBody(this.json, req, res);
        const input = {
          params: (spec.params ? parseInput(spec.params, req.params, 'params') : undefined) as Out<P>,
          query: (spec.query ? parseInput(spec.query, withoutEmptyValues(req.query), 'query') : undefined) as Out<Q>,
          body: (spec.body ? parseInput(spec.body, req.body ?? {}, 'body') : undefined) as Out<B>,
          req,
          res,
        };
        const result = await run(input, user);
        if (res.headersSent) return;
        if (status === 204 || result === undefined) res.status(status === 200 && result === undefined ? 204 : status).end();
        else res.status(status).json(result);
      } catch (error) {
        next(error);
      }
    });
  }

  private document(spec: RouteSpec<ZodObject | undefined, ZodObject | undefined, ZodType | undefined>, auth: boolean): void {
    const responses: RouteConfig['responses'] = {};
    const status = spec.status ?? 200;
    responses[status] = spec.binaryResponse
      ? { description: 'The bytes', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } }
      : status === 204 || !spec.response
        ? { description: status === 204 ? 'No content' : 'Success' }
        : { description: 'Success', content: { 'application/json': { schema: spec.response } } };
    for (const [code, description] of Object.entries(spec.otherResponses ?? {})) responses[Number(code)] = { description };
    const limited = auth && WRITE_METHODS.has(spec.method) && !spec.unlimited;
    const codes = new Set<number>([
      ...(spec.params || spec.query || spec.body ? [400] : []),
      ...(auth ? [401, 403] : []),
      ...(spec.body || spec.rawBody ? [413] : []),
      ...(limited ? [429] : []),
      503,
      ...(spec.errors ?? []),
    ]);
    const body = spec.rawBody
      ? { required: true, content: { [spec.rawBody]: { schema: { type: 'string' as const, format: 'binary' } } } }
      : spec.body
        ? { required: true, content: { 'application/json': { schema: spec.body } } }
        : undefined;
    for (const code of [...codes].sort()) {
      responses[code] = {
        description: ERROR_DESCRIPTIONS[code] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    this.registry.registerPath({
      method: spec.method,
      path: `${this.options.basePath ?? '/api'}${spec.path.replace(/:([A-Za-z]+)/g, '{$1}')}`,
      summary: spec.summary,
      description: spec.authNote,
      tags: spec.tags,
      security: auth ? [{ bearerAuth: [] }] : undefined,
      request: {
        params: spec.params,
        query: spec.query,
        body,
      },
      responses,
    });
  }
}
