import { describe, expect, it } from 'vitest';
import { createLogger } from '@pedidos/platform/logger';
import { createCatalogSync } from '../src/catalog-sync';
import type { OrdersService } from '../src/orders-service';

const product = {
  sku: 'CAFE-1KG',
  name: 'Café em grãos 1 kg',
  price: 4990,
  currency: 'BRL',
  onHand: 10,
  reserved: 0,
  available: 10,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** A catalog sync against one canned page from inventory, recording what it upserts. */
function syncAgainst(page: unknown) {
  const upserted: unknown[] = [];
  // Only upsertCatalog is reached by the copy.
  const service = { upsertCatalog: async (entry: unknown) => void upserted.push(entry) } as unknown as OrdersService;
  const fetchImpl = (async () => Response.json(page)) as typeof fetch;
  const sync = createCatalogSync({ inventoryUrl: 'http://inventory.test', service, log: createLogger({ level: 'silent', service: 'orders' }), fetchImpl });
  return { sync, upserted };
}

describe('catalog copy from inventory', () => {
  it('upserts every product of a valid page', async () => {
    const { sync, upserted } = syncAgainst({ items: [product], nextCursor: null });
    await expect(sync.copyOnce()).resolves.toBe(1);
    expect(upserted).toEqual([product]);
  });

  it('refuses a page that does not match the contract, naming the field, before writing any of it', async () => {
    const { sync, upserted } = syncAgainst({ items: [product, { ...product, sku: 'BAD-2', price: '49.90' }], nextCursor: null });
    await expect(sync.copyOnce()).rejects.toThrow('/items/1/price');
    expect(upserted).toEqual([]);
  });
});
