import { describe, expect, it } from 'vitest';
import { domainErrorCodes } from '@pedidos/platform/testing';
import { inventoryErrors } from '../src/http/errors';

describe('the inventory error table', () => {
  it('answers every code the service refuses with: one missing would be a 500', () => {
    const codes = domainErrorCodes(new URL('../src/', import.meta.url));
    expect(codes).toEqual(expect.arrayContaining(['PRODUCT.NOT_FOUND', 'PRODUCT.ALREADY_EXISTS', 'STOCK.BELOW_RESERVED']));
    for (const code of codes) expect(Object.keys(inventoryErrors.mappings), code).toContain(code);
  });
});
