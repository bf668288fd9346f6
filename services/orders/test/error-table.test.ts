import { describe, expect, it } from 'vitest';
import { domainErrorCodes } from '@pedidos/platform/testing';
import { priceOrder } from '../src/domain/pricing';
import { orderErrors } from '../src/http/errors';

describe('the orders error table', () => {
  it('answers every code the service refuses with: one missing would be a 500', () => {
    const catalog = new Map([['A', { sku: 'A', name: 'A', price: 1, currency: 'BRL' }], ['B', { sku: 'B', name: 'B', price: 1, currency: 'USD' }]]);
    const pricing = [[{ sku: 'X', quantity: 1 }], [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 1 }], [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }]]
      .map((lines) => priceOrder(lines, catalog))
      .flatMap((p) => (p.ok ? [] : [`ORDER.${p.problem.toUpperCase()}`]));
    const codes = [...domainErrorCodes(new URL('../src/', import.meta.url)), ...pricing];
    expect(codes).toEqual(expect.arrayContaining(['ORDER.NOT_FOUND', 'ORDER.UNKNOWN_SKU', 'ORDER.DUPLICATE_SKU', 'ORDER.MIXED_CURRENCY']));
    for (const code of codes) expect(Object.keys(orderErrors.mappings), code).toContain(code);
  });
});
