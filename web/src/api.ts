/**
 * REST client: `Authorization: Bearer <token>`, docs/API.md error envelopes as `ApiError`.
 * Every call names its route as the contract does (`api('GET /api/groups/:id', {params: {id}})`):
 * the path parameters, query, body and answer are typed from the server's schemas
 * (src/shared/contract/rest.ts), imported as types only.
 */
import { session } from './session';
import type { JsonRouteName, RestRequest, RestResponse } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Server clock minus client clock (ms), from the `Date` header: timers tick by server time. */
export let clockSkewMs = 0;

async function request(method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached.');
  }
  const date = res.headers.get('date');
  if (date) {
    const skew = new Date(date).getTime() + 500 - Date.now();
    if (Math.abs(skew) > 1500) clockSkewMs = skew;
  }
  if (res.status === 204) return undefined;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const error = new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText, err?.details);
    if (res.status === 401 && path.startsWith('/api/')) session.onUnauthenticated?.();
    throw error;
  }
  return data;
}

type QueryValue = string | number | boolean | null | undefined;

/** The parts of any route's request, as `api()` reads them. */
interface RequestParts {
  params?: Record<string, string | number>;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

/** `/api/groups/:id` with `{id: 7}` → `/api/groups/7`. */
function fillPath(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name] ?? '')));
}

/** The arguments of `api(route, …)`: the request may be left out when nothing in it is required. */
type Args<R extends JsonRouteName> = Partial<RestRequest<R>> extends RestRequest<R> ? [request?: RestRequest<R>] : [request: RestRequest<R>];

/**
 * Calls a route of the contract by its name (`METHOD /path`) and resolves with its typed
 * answer (undefined for 204). Writes without a body schema send `{}`, as always.
 */
export function api<R extends JsonRouteName>(route: R, ...[input]: Args<R>): Promise<RestResponse<R>> {
  const [method = 'GET', path = ''] = route.split(' ');
  const parts: RequestParts = input ?? {};
  const url = `${fillPath(path, parts.params)}${qs(parts.query ?? {})}`;
  const body = method === 'GET' || method === 'DELETE' ? undefined : (parts.body ?? {});
  return request(method, url, body) as Promise<RestResponse<R>>;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    // VALIDATION_FAILED names the fields: `details: [{field, message}]` (docs/API.md "Errors").
    const fields = Array.isArray(error.details)
      ? error.details.map((d: { field?: unknown }) => (typeof d.field === 'string' ? d.field : '')).filter((field) => field && !error.message.includes(field))
      : [];
    return fields.length ? `${error.message} (${fields.join(', ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export const qs = (params: Record<string, QueryValue>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};
