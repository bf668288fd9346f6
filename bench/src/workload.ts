import { call, pause, poll, type Reply } from './http';

export const PRODUCT_COUNT = 20;
/** The payment sandbox's card that always succeeds: every order the bench places should end `confirmed`. */
const BENCH_CARD = 'pm_card_visa';
const ON_HAND = 1_000_000;

/** Products nobody else orders, with stock no run can exhaust: every accepted order should end `confirmed`. */
export async function createBenchProducts(inventoryUrl: string, tag: string, authorization: string, signal: AbortSignal): Promise<string[]> {
  const skus = Array.from({ length: PRODUCT_COUNT }, (_, i) => `BENCH-${tag}-${String(i + 1).padStart(2, '0')}`);
  for (const [i, sku] of skus.entries()) {
    const reply = await call(`${inventoryUrl}/api/products`, {
      method: 'POST',
      body: { sku, name: `Bench product ${i + 1}`, price: 1000 + 10 * i, onHand: ON_HAND },
      authorization,
      signal,
    });
    expectStatus(reply, 201, `POST /api/products ${sku}`);
  }
  return skus;
}

/** The orders service learns products from events; an order naming all of them proves it has. */
export async function waitUntilOrdersKnow(ordersUrl: string, skus: string[], opts: { authorization: string; signal: AbortSignal; guard: () => void }): Promise<void> {
  await poll('orders service to know the bench products', async () => {
    const reply = await call(`${ordersUrl}/api/orders`, {
      method: 'POST',
      body: { items: skus.map((sku) => ({ sku, quantity: 1 })), note: 'bench: catalog probe', paymentMethod: BENCH_CARD },
      authorization: opts.authorization,
      signal: opts.signal,
    });
    if (reply.status === 201) return true;
    if (reply.status === 422) throw new Error(`422 ${JSON.stringify(reply.body)}`);
    expectStatus(reply, 201, 'POST /api/orders');
  }, { timeoutMs: 60_000, everyMs: 100, signal: opts.signal, guard: opts.guard });
}

/** `count` JSON bodies of 1–3 distinct SKUs, 1–3 units each; seeded so runs send the same mix. */
export function orderBodies(skus: string[], count: number, seed = 42): string[] {
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  return Array.from({ length: count }, () => {
    const lines = 1 + pick(3);
    const chosen = new Set<string>();
    while (chosen.size < lines) chosen.add(skus[pick(skus.length)]!);
    return JSON.stringify({ items: [...chosen].map((sku) => ({ sku, quantity: 1 + pick(3) })), paymentMethod: BENCH_CARD });
  });
}

export interface Drain {
  seconds: number;
  /** False when orders were still pending at the deadline. */
  drained: boolean;
}

/** Time until no order is `pending`, measured from `since` (a performance.now() taken when the load stopped). */
export async function waitDrained(ordersUrl: string, since: number, opts: { authorization: string; timeoutMs: number; signal: AbortSignal; guard: () => void }): Promise<Drain> {
  const elapsed = () => (performance.now() - since) / 1000;
  for (;;) {
    opts.guard();
    const reply = await call(`${ordersUrl}/api/orders?status=pending&limit=1`, { authorization: opts.authorization, signal: opts.signal });
    expectStatus(reply, 200, 'GET /api/orders?status=pending');
    if ((reply.body as { items: unknown[] }).items.length === 0) return { seconds: elapsed(), drained: true };
    if (elapsed() * 1000 > opts.timeoutMs) return { seconds: elapsed(), drained: false };
    await pause(50, opts.signal);
  }
}

/** Every order in `status`, counted page by page. */
export async function countOrders(ordersUrl: string, status: string, authorization: string, signal: AbortSignal): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ status, limit: '100', ...(cursor ? { cursor } : {}) });
    const reply = await call(`${ordersUrl}/api/orders?${query}`, { authorization, signal });
    expectStatus(reply, 200, `GET /api/orders?status=${status}`);
    const page = reply.body as { items: unknown[]; nextCursor: string | null };
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
