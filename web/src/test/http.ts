import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

/**
 * Replaces the browser's fetch at the network boundary: each route (`POST /api/orders`) answers
 * like the real service would. Unrouted requests get the services' own 404 problem.
 */
export function stubFetch(routes: Record<string, Handler | Handler[]>) {
  const requests: RecordedRequest[] = [];
  const queues = new Map(Object.entries(routes).map(([key, handler]) => [key, Array.isArray(handler) ? [...handler] : handler]));
  vi.stubGlobal('fetch', async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const text = typeof init.body === 'string' ? init.body : undefined;
    const request: RecordedRequest = {
      method: (init.method ?? 'GET').toUpperCase(),
      path: url.pathname + url.search,
      headers: new Headers(init.headers),
      body: text === undefined ? undefined : JSON.parse(text),
    };
    requests.push(request);
    const route = queues.get(`${request.method} ${url.pathname}`);
    // A list of handlers answers one call each, the last one repeating.
    const handler = Array.isArray(route) ? (route.length > 1 ? route.shift() : route[0]) : route;
    if (!handler) return problem(404, 'ROUTE.NOT_FOUND', `Route ${request.method}:${url.pathname} not found.`);
    return handler(request);
  });
  return {
    requests,
    to: (method: string, path: string) => requests.filter((r) => r.method === method && r.path.split('?')[0] === path),
  };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

/** The services' RFC 9457 shape (see packages/platform/src/errors.ts). */
export function problem(status: number, code: string, detail: string, errors?: { path: string; message: string }[]) {
  const words = code.toLowerCase().split(/[._]+/).join(' ');
  return new Response(
    JSON.stringify({
      type: `https://pedidos.dev/problems/${code.toLowerCase().replace(/[._]+/g, '-')}`,
      title: words.charAt(0).toUpperCase() + words.slice(1),
      status,
      detail,
      code,
      ...(errors ? { errors } : {}),
    }),
    { status, headers: { 'content-type': 'application/problem+json; charset=utf-8' } },
  );
}
