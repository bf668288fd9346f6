import { getSession, refreshSession } from './auth-store';

/** One offending input: `path` is a JSON Pointer into the request body (`/items/0/sku`). */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem (or a failure dressed as one: network down, a proxy's HTML page). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly retryAfterS?: number,
    /** The problem body as sent, for the extension members some refusals carry (`maxRemovable`); empty when there was none. */
    readonly problem: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail || title);
  }
}

export const NETWORK_ERROR = 'NETWORK';

export interface ApiInit extends Omit<RequestInit, 'body'> {
  /** Sent as JSON. */
  body?: unknown;
  /** Send the bearer token (default true). */
  auth?: boolean;
}

/** fetch with the bearer token; on a 401 refreshes the session once and retries once. */
export async function apiFetch(path: string, init: RequestInit & { auth?: boolean } = {}): Promise<Response> {
  const { auth = true, ...request } = init;
  const session = auth ? getSession() : null;
  const send = (token: string | undefined) => {
    const headers = new Headers(request.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(path, { ...request, headers }).catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, NETWORK_ERROR, 'Network error', 'The server could not be reached.');
    });
  };
  const response = await send(session?.accessToken);
  if (response.status !== 401 || !session) return response;
  const renewed = await refreshSession(session.accessToken).catch(() => null);
  if (!renewed) return response;
  await response.body?.cancel();
  return send(renewed.accessToken);
}

/** A JSON request; a non-2xx answer throws an ApiError carrying the problem details. */
export async function apiJson<T>(path: string, { body, headers, ...init }: ApiInit = {}): Promise<T> {
  const merged = new Headers(headers);
  merged.set('accept', 'application/json, application/problem+json');
  if (body !== undefined) merged.set('content-type', 'application/json');
  const response = await apiFetch(path, { ...init, headers: merged, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const parsed: unknown = await response.json();
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not a problem object');
      const body = parsed as Record<string, unknown>;
      const errors = Array.isArray(body.errors)
        ? body.errors.filter((e): e is FieldError => typeof e?.path === 'string' && typeof e?.message === 'string')
        : [];
      return new ApiError(
        response.status,
        typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
        typeof body.title === 'string' ? body.title : response.statusText,
        typeof body.detail === 'string' ? body.detail : '',
        errors,
        retryAfterS,
        body,
      );
    } catch {
      // Not a JSON object after all: fall through to the generic error.
    }
  }
  return new ApiError(response.status, `HTTP_${response.status}`, response.statusText || `HTTP ${response.status}`, '', [], retryAfterS);
}

/** `{ limit: 20, q: undefined }` → `?limit=20`. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
