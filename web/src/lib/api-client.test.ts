import { describe, expect, it } from 'vitest';
import { json, problem, stubFetch } from '../test/http';
import { tokens } from '../test/fixtures';
import { ApiError, apiJson } from './api-client';
import { getSession, sessionFromTokens, setSession } from './auth-store';

const expired = () => problem(401, 'AUTH.INVALID_TOKEN', 'Bearer token refused: it has expired.');
const bearer = (n: number) => `Bearer ${tokens('customer', n).accessToken}`;

describe('api client', () => {
  it('on a 401 refreshes the session once and retries with the new token', async () => {
    setSession(sessionFromTokens(tokens('customer', 1)));
    const http = stubFetch({
      'GET /api/orders': (request) => (request.headers.get('authorization') === bearer(2) ? json(200, { items: [], nextCursor: null }) : expired()),
      'POST /api/auth/refresh': () => json(200, tokens('customer', 2)),
    });

    await expect(apiJson('/api/orders')).resolves.toEqual({ items: [], nextCursor: null });
    expect(http.to('POST', '/api/auth/refresh').map((r) => r.body)).toEqual([{ refreshToken: 'refresh-1' }]);
    expect(http.to('GET', '/api/orders').map((r) => r.headers.get('authorization'))).toEqual([bearer(1), bearer(2)]);
    expect(getSession()?.refreshToken).toBe('refresh-2');
    expect(JSON.parse(window.localStorage.getItem('pedidos.session')!).accessToken).toBe(tokens('customer', 2).accessToken);
  });

  it('shares one refresh between requests that fail together: a refresh token is single use', async () => {
    setSession(sessionFromTokens(tokens('customer', 1)));
    let refreshes = 0;
    const http = stubFetch({
      'GET /api/orders': (request) => (request.headers.get('authorization') === bearer(2) ? json(200, { items: [], nextCursor: null }) : expired()),
      'POST /api/auth/refresh': async () => {
        refreshes++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return json(200, tokens('customer', 2));
      },
    });

    await Promise.all([apiJson('/api/orders'), apiJson('/api/orders'), apiJson('/api/orders')]);
    expect(refreshes).toBe(1);
    expect(http.to('GET', '/api/orders')).toHaveLength(6);
  });

  it('retries only once: a second 401 is the caller’s answer', async () => {
    setSession(sessionFromTokens(tokens('customer', 1)));
    const http = stubFetch({ 'GET /api/orders': expired, 'POST /api/auth/refresh': () => json(200, tokens('customer', 2)) });

    const error = await apiJson('/api/orders').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(http.to('GET', '/api/orders')).toHaveLength(2);
    expect(http.to('POST', '/api/auth/refresh')).toHaveLength(1);
  });

  it('ends the session when the refresh token is refused', async () => {
    setSession(sessionFromTokens(tokens('customer', 1)));
    stubFetch({
      'GET /api/orders': expired,
      'POST /api/auth/refresh': () => problem(401, 'AUTH.INVALID_REFRESH_TOKEN', 'The refresh token is unknown, expired, revoked or already used; log in again.'),
    });

    await expect(apiJson('/api/orders')).rejects.toMatchObject({ status: 401 });
    expect(getSession()).toBeNull();
    expect(window.localStorage.getItem('pedidos.session')).toBeNull();
  });

  it('turns problem+json into an error with its code and field errors', async () => {
    stubFetch({
      'POST /api/products': () => problem(400, 'REQUEST.VALIDATION', 'Invalid request: /price must be integer.', [{ path: '/price', message: 'must be integer' }]),
    });
    const error = (await apiJson('/api/products', { method: 'POST', body: { price: 1.5 } }).catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION', detail: 'Invalid request: /price must be integer.' });
    expect(error.errors).toEqual([{ path: '/price', message: 'must be integer' }]);
  });

  it('keeps the whole problem, so a refusal\'s own members can be read', async () => {
    stubFetch({
      'POST /api/products/CAFE-1KG/adjustments': () => json(409, { status: 409, code: 'STOCK.BELOW_RESERVED', title: 'Stock below reserved', detail: 'At most 3 can be removed.', maxRemovable: 3, reserved: 2 }, { 'content-type': 'application/problem+json' }),
      'GET /api/products': () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }),
    });
    const refused = (await apiJson('/api/products/CAFE-1KG/adjustments', { method: 'POST', body: { delta: -9, reason: 'perda' } }).catch((e: unknown) => e)) as ApiError;
    expect(refused).toMatchObject({ status: 409, code: 'STOCK.BELOW_RESERVED', detail: 'At most 3 can be removed.' });
    expect(refused.problem).toMatchObject({ maxRemovable: 3, reserved: 2 });

    const proxy = (await apiJson('/api/products', { auth: false }).catch((e: unknown) => e)) as ApiError;
    expect(proxy).toMatchObject({ status: 502, code: 'HTTP_502', title: 'Bad Gateway' });
    expect(proxy.problem).toEqual({});
  });

  it('reports an unreachable server as a network error', async () => {
    stubFetch({ 'GET /api/products': () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(apiJson('/api/products', { auth: false })).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });
});
