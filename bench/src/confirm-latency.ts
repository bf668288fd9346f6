import { call } from './http';
import { percentiles } from './stats';

/** The part of an order (as `GET /api/orders` shows it) this module reads. */
export interface PlacedOrder {
  createdAt: string;
  items: { sku: string }[];
  history: { status: string; at: string }[];
}

export interface ConfirmLatency {
  /** Orders read: every order the measured load placed, unless `complete` is false. */
  orders: number;
  /** False when there were more than the bench reads: then `orders` are the latest ones placed. */
  complete: boolean;
  confirmed: number;
  /** Read without a `confirmed` entry (still pending, rejected, …): no latency for them. */
  unconfirmed: number;
  /** From the `pending` entry (history[0]) to the `confirmed` one, both as the orders service wrote them. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** At most this many orders are read (at 100 a page); more than enough for a run of a minute at 300 orders/s. */
export const CONFIRM_READ_MAX = 20_000;

/** Created → confirmed latency of `orders`; null when none was confirmed. */
export function confirmLatency(orders: PlacedOrder[], complete: boolean): ConfirmLatency | null {
  const latencies: number[] = [];
  for (const order of orders) {
    const [first] = order.history;
    const confirmed = order.history.find((h) => h.status === 'confirmed');
    if (first?.status === 'pending' && confirmed) latencies.push(Date.parse(confirmed.at) - Date.parse(first.at));
  }
  const figures = percentiles(latencies);
  if (!figures) return null;
  return { orders: orders.length, complete, confirmed: latencies.length, unconfirmed: orders.length - latencies.length, p50: figures.p50, p90: figures.p90, p99: figures.p99, max: figures.max };
}

/**
 * The orders placed from `since` (epoch ms, the bench's clock; the services' is the same
 * machine's) for the bench's own products, newest first, read page by page through the list
 * endpoint until one is older than `since` or `max` were read.
 */
export async function readPlacedOrders(ordersUrl: string, opts: { since: number; skus: string[]; authorization: string; signal: AbortSignal; max?: number }): Promise<{ orders: PlacedOrder[]; complete: boolean }> {
  const max = opts.max ?? CONFIRM_READ_MAX;
  const ours = new Set(opts.skus);
  const orders: PlacedOrder[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const reply = await call(`${ordersUrl}/api/orders?${query}`, { authorization: opts.authorization, signal: opts.signal });
    if (reply.status !== 200) throw new Error(`GET /api/orders: expected 200, got ${reply.status} ${JSON.stringify(reply.body)}`);
    const page = reply.body as { items: PlacedOrder[]; nextCursor: string | null };
    for (const order of page.items) {
      if (Date.parse(order.createdAt) < opts.since) return { orders, complete: true };
      if (!order.items.every((item) => ours.has(item.sku))) continue;
      if (orders.length === max) return { orders, complete: false };
      orders.push(order);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { orders, complete: true };
}
