import { describe, expect, it } from 'vitest';
import { priceOrder, type CatalogEntry } from '../src/domain/pricing';

const catalog = new Map<string, CatalogEntry>([
  ['CAFE-1KG', { sku: 'CAFE-1KG', name: 'Café em grãos 1 kg', price: 4990, currency: 'BRL' }],
  ['ACUCAR-1KG', { sku: 'ACUCAR-1KG', name: 'Açúcar 1 kg', price: 599, currency: 'BRL' }],
  ['TEA-USD', { sku: 'TEA-USD', name: 'Tea', price: 300, currency: 'USD' }],
]);

describe('pricing', () => {
  it('prices every line from the catalog and sums the total in centavos', () => {
    const result = priceOrder([{ sku: 'CAFE-1KG', quantity: 2 }, { sku: 'ACUCAR-1KG', quantity: 3 }], catalog);
    expect(result).toEqual({
      ok: true,
      currency: 'BRL',
      total: 2 * 4990 + 3 * 599,
      lines: [
        { sku: 'CAFE-1KG', name: 'Café em grãos 1 kg', quantity: 2, unitPrice: 4990 },
        { sku: 'ACUCAR-1KG', name: 'Açúcar 1 kg', quantity: 3, unitPrice: 599 },
      ],
    });
  });

  it('refuses an unknown SKU, naming its line', () => {
    expect(priceOrder([{ sku: 'CAFE-1KG', quantity: 1 }, { sku: 'NOPE', quantity: 1 }], catalog)).toEqual({
      ok: false, problem: 'unknown_sku', index: 1, sku: 'NOPE',
    });
  });

  it('refuses the same SKU on two lines', () => {
    expect(priceOrder([{ sku: 'CAFE-1KG', quantity: 1 }, { sku: 'CAFE-1KG', quantity: 2 }], catalog)).toMatchObject({
      ok: false, problem: 'duplicate_sku', index: 1,
    });
  });

  it('refuses lines in different currencies', () => {
    expect(priceOrder([{ sku: 'CAFE-1KG', quantity: 1 }, { sku: 'TEA-USD', quantity: 1 }], catalog)).toMatchObject({
      ok: false, problem: 'mixed_currency', index: 1,
    });
  });
});
