import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { expect } from 'vitest';
import type { Order } from '@pedidos/contracts/orders';
import { TEST_CARDS, send } from '../../support/http';
import { adminApi, uniqueProduct } from './api';
import { eventReader } from './event-stream';

/**
 * What the browser's single origin must do, whichever server provides it: the Node web server of
 * `npm start` (web-server.test.ts) or the nginx of the web container (nginx.test.ts).
 */

/** Products to inventory, auth and .well-known to identity, orders to orders, bodies and headers intact. */
export async function expectEachApiPathAtItsService(baseUrl: string, urls: { orders: string; identity: string }): Promise<void> {
  const admin = await adminApi(baseUrl);
  const product = await admin.inventory.createProduct({ ...uniqueProduct('Proxy'), price: 1250, onHand: 5 });

  expect(await send('GET', `${baseUrl}/api/products/${product.sku}`)).toMatchObject({ status: 200, body: await admin.inventory.getProduct(product.sku) });
  expect((await send('GET', `${baseUrl}/.well-known/jwks.json`)).body).toEqual((await send('GET', `${urls.identity}/.well-known/jwks.json`)).body);
  expect((await send('GET', `${baseUrl}/api/auth/me`, undefined, { authorization: admin.bearer })).body).toMatchObject({ role: 'admin' });

  // A POST with a body, its Location header and the order as the orders service itself has it.
  const placed = await send<Order>('POST', `${baseUrl}/api/orders`, { items: [{ sku: product.sku, quantity: 1 }], paymentMethod: TEST_CARDS.visa }, { authorization: admin.bearer });
  expect(placed.status).toBe(201);
  expect(placed.headers.get('location')).toBe(`/api/orders/${placed.body.id}`);
  const direct = await send<Order>('GET', `${urls.orders}/api/orders/${placed.body.id}`, undefined, { authorization: admin.bearer });
  expect(direct.status).toBe(200);
  expect(direct.body.items).toEqual([expect.objectContaining({ sku: product.sku, quantity: 1, unitPrice: 1250 })]);

  // The webhook endpoints are the orders service's too.
  const endpoints = await send('GET', `${baseUrl}/api/webhooks`, undefined, { authorization: admin.bearer });
  expect(endpoints.status).toBe(200);
  expect(endpoints.body).toEqual((await send('GET', `${urls.orders}/api/webhooks`, undefined, { authorization: admin.bearer })).body);

  // The services' own errors come through as they are.
  const invalid = await send('POST', `${baseUrl}/api/orders`, { items: [] }, { authorization: admin.bearer });
  expect(invalid.status).toBe(400);
  expect(invalid.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

/** GET /api/orders/stream stays open and carries each change of an order as it happens. */
export async function expectLiveOrderStream(baseUrl: string): Promise<void> {
  const admin = await adminApi(baseUrl);
  const product = await admin.inventory.createProduct({ ...uniqueProduct('Stream'), price: 990, onHand: 3 });
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/api/orders/stream`, { headers: { authorization: admin.bearer, accept: 'text/event-stream' }, signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events = eventReader(response.body!);
  try {
    const order = await admin.orders.placeOrder([{ sku: product.sku, quantity: 1 }]);
    const statusOf = (status: string) => (e: { event: string; data: string }) =>
      e.event === 'order' && (JSON.parse(e.data) as Order).id === order.id && (JSON.parse(e.data) as Order).status === status;
    await events.next(statusOf('confirmed'));
    // Still the same open response: a later change of the same order arrives on it too.
    await admin.orders.ship(order.id);
    await events.next(statusOf('shipped'));
    expect(events.ended).toBe(false);
  } finally {
    abort.abort();
    await events.cancel();
  }
}

export interface RecordingUpstream {
  url: string;
  /** Every request that reached it, in order, with its raw body. */
  seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: Buffer }[];
  close(): Promise<void>;
}

/** A stand-in service that records what reaches it, once the body is in; `respond` decides the answer. */
export async function recordingUpstream(respond: (req: { url?: string }, res: ServerResponse) => void): Promise<RecordingUpstream> {
  const seen: RecordingUpstream['seen'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      respond(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
