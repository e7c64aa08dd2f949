/** REST client: `Authorization: Bearer <token>`, API.md error envelopes as `ApiError`. */
import { session } from './session';

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

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
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
  if (res.status === 204) return undefined as T;
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
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', `/api${path}`),
  post: <T>(path: string, body?: unknown) => request<T>('POST', `/api${path}`, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', `/api${path}`, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', `/api${path}`, body ?? {}),
  del: <T>(path: string) => request<T>('DELETE', `/api${path}`),
};

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = Array.isArray(error.details)
      ? error.details.map((d: { path?: unknown }) => (Array.isArray(d.path) ? d.path.join('.') : '')).filter(Boolean)
      : [];
    return fields.length ? `${error.message} (${fields.join(', ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export const qs = (params: Record<string, string | number | boolean | null | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};
