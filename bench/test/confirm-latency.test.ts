import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { confirmLatency, readPlacedOrders, type PlacedOrder } from '../src/confirm-latency';

const T0 = Date.parse('2026-11-29T10:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

/** An order placed at `createdMs` and confirmed `confirmMs` later (never, if null). */
function order(createdMs: number, confirmMs: number | null, skus = ['BENCH-A-01']): PlacedOrder {
  const history = [{ status: 'pending', at: iso(createdMs) }];
  if (confirmMs !== null) history.push({ status: 'confirmed', at: iso(createdMs + confirmMs) });
  return { createdAt: iso(createdMs), items: skus.map((sku) => ({ sku })), history };
}

describe('created → confirmed latency', () => {
  it("runs from the order's pending entry to its confirmed one, over the confirmed orders", () => {
    const orders = [...Array.from({ length: 100 }, (_, i) => order(i, i + 1)), order(200, null)];
    expect(confirmLatency(orders, true)).toEqual({ orders: 101, complete: true, confirmed: 100, unconfirmed: 1, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('ignores a later history entry after confirmed (shipped), and an order rejected instead', () => {
    const shipped = order(0, 30);
    shipped.history.push({ status: 'shipped', at: iso(5_000) });
    const rejected: PlacedOrder = { createdAt: iso(0), items: [], history: [{ status: 'pending', at: iso(0) }, { status: 'rejected', at: iso(10) }] };
    expect(confirmLatency([shipped, rejected], false)).toMatchObject({ orders: 2, complete: false, confirmed: 1, unconfirmed: 1, p99: 30 });
  });

  it('is null when no order was confirmed', () => {
    expect(confirmLatency([order(0, null)], true)).toBeNull();
    expect(confirmLatency([], true)).toBeNull();
  });
});

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** `GET /api/orders` over `orders` (newest first), in pages of `limit`, cursor = offset. */
async function ordersList(orders: PlacedOrder[]): Promise<{ url: string; pages: () => number }> {
  let pages = 0;
  const server = createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams;
    const offset = Number(query.get('cursor') ?? 0);
    const limit = Number(query.get('limit'));
    pages++;
    const next = offset + limit < orders.length ? String(offset + limit) : null;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: orders.slice(offset, offset + limit), nextCursor: next }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { url: `http://127.0.0.1:${address.port}`, pages: () => pages };
}

describe('reading the orders a load placed', () => {
  const since = T0 + 1_000;
  const options = { since, skus: ['BENCH-A-01', 'BENCH-A-02'], authorization: 'Bearer t', signal: new AbortController().signal };

  it('takes the orders of the bench products placed since the load began, and stops at the first older one', async () => {
    // Newest first: 250 of the load, one of somebody else's products, then the warm-up's.
    const load = Array.from({ length: 250 }, (_, i) => order(1_000 + 250 - i, 20));
    const list = [...load.slice(0, 120), order(1_130, 20, ['OTHER-1']), ...load.slice(120), ...Array.from({ length: 500 }, (_, i) => order(900 - i, 20))];
    const api = await ordersList(list);
    const read = await readPlacedOrders(api.url, options);
    expect(read).toEqual({ orders: load, complete: true });
    expect(api.pages()).toBe(3);
  });

  it('stops at `max` orders and says the rest were not read', async () => {
    const api = await ordersList(Array.from({ length: 300 }, (_, i) => order(5_000 - i, 20)));
    const read = await readPlacedOrders(api.url, { ...options, max: 150 });
    expect(read.orders).toHaveLength(150);
    expect(read.complete).toBe(false);
  });
});
