import { request as httpRequest } from 'node:http';
import type { Movement, Product } from '@pedidos/contracts/inventory';
import type { Order, OrderActivity, OrderStatus } from '@pedidos/contracts/orders';
import type { Payment, PaymentStatus, SandboxCard } from '@pedidos/contracts/payments';
import { eventually } from '@pedidos/platform/testing';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function send<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (e.g. /metrics): the text itself.
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** The body when the status is the one expected; otherwise an error showing what came back. */
async function expectStatus<T>(expected: number, reply: Promise<Reply<T>>, what: string): Promise<T> {
  const { status, body } = await reply;
  if (status !== expected) throw new Error(`${what}: expected ${expected}, got ${status} ${JSON.stringify(body)}`);
  return body;
}

export interface NewProduct {
  sku: string;
  name: string;
  price: number;
  onHand?: number;
}

export type OrderLine = { sku: string; quantity: number };

/** The payment sandbox's test payment methods (SANDBOX_CARDS in the contracts), by what they do. */
export const TEST_CARDS = {
  visa: 'pm_card_visa',
  mastercard: 'pm_card_mastercard',
  declined: 'pm_card_chargeDeclined',
  insufficientFunds: 'pm_card_chargeDeclinedInsufficientFunds',
  timeoutThenSuccess: 'pm_card_sandbox_timeout',
  webhookOnly: 'pm_card_sandbox_async',
} as const satisfies Record<string, SandboxCard['paymentMethod']>;

export const FINAL_STATUSES: readonly OrderStatus[] = ['confirmed', 'rejected', 'cancelled'];

/** Calls as the holder of `authorization` (a `Bearer …` value); the services verify it for real. */
export function inventoryApi(baseUrl: string, authorization: string) {
  const url = (path: string) => `${baseUrl}${path}`;
  const request = <T>(method: string, target: string, body?: unknown, headers: Record<string, string> = {}) =>
    send<T>(method, target, body, { authorization, ...headers });
  return {
    createProduct: (product: NewProduct) => expectStatus<Product>(201, request('POST', url('/api/products'), product), `create ${product.sku}`),
    getProduct: (sku: string) => expectStatus<Product>(200, request('GET', url(`/api/products/${sku}`)), `get ${sku}`),

    /** The whole stock ledger of one SKU, oldest first. */
    async movements(sku: string): Promise<Movement[]> {
      const all: Movement[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page: { items: Movement[]; nextCursor: string | null } = await expectStatus(200, request('GET', url(`/api/products/${sku}/movements${query}`)), `movements of ${sku}`);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all.reverse();
    },
  };
}

export function ordersApi(baseUrl: string, authorization: string) {
  const url = (path: string) => `${baseUrl}${path}`;
  const request = <T>(method: string, target: string, body?: unknown, headers: Record<string, string> = {}) =>
    send<T>(method, target, body, { authorization, ...headers });
  const api = {
    /** The raw reply: callers decide whether a non-201 is a failure. */
    place: (items: OrderLine[], headers: Record<string, string> = {}, paymentMethod: string = TEST_CARDS.visa) =>
      request<Order>('POST', url('/api/orders'), { items, paymentMethod }, headers),
    placeOrder: (items: OrderLine[], headers: Record<string, string> = {}, paymentMethod?: string) =>
      expectStatus(201, api.place(items, headers, paymentMethod), 'place order'),
    getOrder: (id: string) => expectStatus<Order>(200, request('GET', url(`/api/orders/${id}`)), `get order ${id}`),
    /** The orders list as CSV, unread: the caller reads the stream as it arrives. */
    exportCsv: (query = '') => fetch(url(`/api/orders?${query}`), { headers: { authorization, accept: 'text/csv' } }),
    cancel: (id: string) => expectStatus<Order>(200, request('POST', url(`/api/orders/${id}/cancel`), {}), `cancel ${id}`),
    ship: (id: string) => expectStatus<Order>(200, request('POST', url(`/api/orders/${id}/ship`)), `ship ${id}`),
    /** The back office's view of the order (admin). */
    activity: (id: string) => expectStatus<OrderActivity>(200, request('GET', url(`/api/orders/${id}/activity`)), `activity of ${id}`),

    /** Every order (optionally of one status), newest first. */
    async listAll(status?: OrderStatus): Promise<Order[]> {
      const all: Order[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '100', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
        const page: { items: Order[]; nextCursor: string | null } = await expectStatus(200, request('GET', url(`/api/orders?${query}`)), 'list orders');
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },

    async countPending(): Promise<number> {
      return (await api.listAll('pending')).length;
    },

    /** Polls until the order is in one of `statuses`; the error names the status it was stuck in. */
    async waitForStatus(id: string, statuses: OrderStatus | readonly OrderStatus[], timeoutMs = 20_000): Promise<Order> {
      const wanted: readonly OrderStatus[] = typeof statuses === 'string' ? [statuses] : statuses;
      let seen = 'unknown';
      try {
        return await eventually(async () => {
          const order = await api.getOrder(id);
          seen = order.status;
          return wanted.includes(order.status) ? order : undefined;
        }, timeoutMs, `order ${id} ${wanted.join('|')}`);
      } catch (error) {
        throw new Error(`${(error as Error).message} (still ${seen})`);
      }
    },

    /**
     * Polls until the order shows its payment `status`: the order learns of it from the payment's
     * event, a moment after the payments service records it.
     */
    async waitForPayment(id: string, status: PaymentStatus, timeoutMs = 20_000): Promise<NonNullable<Order['payment']>> {
      return eventually(async () => {
        const { payment } = await api.getOrder(id);
        return payment?.status === status ? payment : undefined;
      }, timeoutMs, `order ${id} payment ${status}`);
    },

    /** Polls until no order is pending. */
    async waitUntilNonePending(timeoutMs: number): Promise<void> {
      let pending = -1;
      try {
        await eventually(async () => {
          pending = await api.countPending();
          return pending === 0 ? true : undefined;
        }, timeoutMs, 'no pending orders');
      } catch (error) {
        throw new Error(`${(error as Error).message} (${pending} still pending)`);
      }
    },
  };
  return api;
}

export function paymentsApi(baseUrl: string, authorization: string) {
  const request = <T>(method: string, path: string, body?: unknown) => send<T>(method, `${baseUrl}${path}`, body, { authorization });
  return {
    getPayment: (orderId: string) => expectStatus<Payment>(200, request('GET', `/api/payments/${orderId}`), `payment of ${orderId}`),
    /** The raw reply: 201, 202 or a refusal. */
    refund: (orderId: string, amount: number, reason = 'refund') => request<Payment>('POST', `/api/payments/${orderId}/refunds`, { amount, reason }),
  };
}

export type PaymentsApi = ReturnType<typeof paymentsApi>;

/** What the simulated provider holds, as its own API tells it: the truth the payments service must agree with. */
export interface ProviderAuthorization {
  id: string;
  key: string;
  orderId: string;
  status: string;
  amount: number;
  captured: number;
  refunded: number;
}

export function sandboxApi(baseUrl: string, apiKey = 'sk_test_sandbox') {
  const request = <T>(method: string, path: string, body?: unknown) => send<T>(method, `${baseUrl}${path}`, body, { authorization: `Bearer ${apiKey}` });
  return {
    authorizations: async () => (await expectStatus<{ items: ProviderAuthorization[] }>(200, request('GET', '/v1/authorizations'), 'provider authorizations')).items,
    events: async () => (await expectStatus<{ items: { event: { id: string; type: string; data: { orderId: string } } }[] }>(200, request('GET', '/v1/events'), 'provider events')).items,
    redeliver: (eventId: string, times: number) => expectStatus(202, request('POST', `/v1/events/${eventId}/redeliver`, { times }), `redeliver ${eventId}`),
  };
}

export type SandboxApi = ReturnType<typeof sandboxApi>;

export type InventoryApi = ReturnType<typeof inventoryApi>;
export type OrdersApi = ReturnType<typeof ordersApi>;

/** One sample of a Prometheus series from a service's `/metrics`, e.g. `metric(url, 'outbox_backlog')`. */
export async function metric(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const { body } = await send<string>('GET', `${baseUrl}/metrics`);
  for (const line of body.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

/**
 * One request exactly as written (no URL normalising, unlike fetch, so `..` stays), optionally from
 * another loopback address of this host (Linux routes all of 127.0.0.0/8 to lo), with its status,
 * content type and JSON body (undefined when it is not JSON).
 */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; from?: string; path?: string } = {}) {
  const target = new URL(url);
  return new Promise<{ status: number; type: string; body: Record<string, unknown> | undefined }>((resolve, reject) => {
    const req = httpRequest({
      host: target.hostname, port: target.port, method: opts.method ?? 'GET', path: opts.path ?? `${target.pathname}${target.search}`,
      localAddress: opts.from, headers: opts.headers, timeout: 15_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: parsed });
      });
    });
    req.on('error', reject).end(opts.body);
  });
}
