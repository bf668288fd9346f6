import { describe, expect, it } from 'vitest';
import { cart } from './cart-store';
import { retryLines } from './retry-lines';
import { checkAddress, emptyAddress, readLastAddress, saveLastAddress } from './shipping-address';

const filled = { ...emptyAddress('Ana Souza'), line1: 'Rua Augusta, 100', city: 'São Paulo', state: 'SP', postalCode: ' 01305000 ' };

describe('the shipping address the checkout sends', () => {
  it('is trimmed, with the CEP written with its hyphen and an empty second line as null', () => {
    expect(checkAddress(filled)).toEqual({
      address: { name: 'Ana Souza', line1: 'Rua Augusta, 100', line2: null, city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' },
      errors: null,
    });
  });

  it('refuses what the API would: blank required fields, more than the schema allows, a Brazilian postal code that is not a CEP', () => {
    expect(checkAddress({ ...filled, line1: '  ', city: 'x'.repeat(101), postalCode: '1305-000' }).errors).toEqual({ line1: 'required', city: 'tooLong', postalCode: 'cep' });
    expect(checkAddress({ ...filled, line2: 'y'.repeat(201) }).errors).toEqual({ line2: 'tooLong' });
    expect(checkAddress({ ...filled, country: 'PT', postalCode: '1200-203' }).address?.postalCode).toBe('1200-203');
  });

  it('is remembered per customer', () => {
    saveLastAddress('user-1', checkAddress(filled).address!);
    expect(readLastAddress('user-1')).toMatchObject({ line1: 'Rua Augusta, 100', line2: '', postalCode: '01305-000' });
    expect(readLastAddress('user-2')).toBeNull();
  });
});

describe('retrying an out-of-stock order', () => {
  const order = {
    currency: 'BRL',
    items: [
      { sku: 'A', name: 'Café', quantity: 15, unitPrice: 4990 },
      { sku: 'B', name: 'Chá', quantity: 2, unitPrice: 1500 },
      { sku: 'C', name: 'Filtro', quantity: 1, unitPrice: 890 },
    ],
  };

  it('lowers the short lines to what was available, leaves out those with none, and keeps the rest', () => {
    expect(retryLines(order, [{ sku: 'A', requested: 15, available: 10 }, { sku: 'B', requested: 2, available: 0 }])).toEqual({
      lines: [
        { sku: 'A', name: 'Café', unitPrice: 4990, currency: 'BRL', quantity: 10 },
        { sku: 'C', name: 'Filtro', unitPrice: 890, currency: 'BRL', quantity: 1 },
      ],
      lowered: [{ sku: 'A', name: 'Café', quantity: 10 }],
      leftOut: [{ sku: 'B', name: 'Chá' }],
    });
  });

  it('replaces the cart’s lines for the same products and keeps its others', () => {
    cart.add({ sku: 'A', name: 'Café', price: 4990, currency: 'BRL' }, 3);
    cart.add({ sku: 'Z', name: 'Moedor', price: 12000, currency: 'BRL' });
    cart.put(retryLines(order, [{ sku: 'A', requested: 15, available: 10 }]).lines);
    expect(cart.get().lines.map((l) => [l.sku, l.quantity])).toEqual([['A', 10], ['Z', 1], ['B', 2], ['C', 1]]);
  });
});

describe('adding to the cart', () => {
  const product = { sku: 'A', name: 'Café', price: 4990, currency: 'BRL' };

  it('never goes past what is available, and says when it held back', () => {
    expect(cart.add(product, 2, 3)).toEqual({ quantity: 2, limited: false });
    expect(cart.add(product, 2, 3)).toEqual({ quantity: 3, limited: true });
    expect(cart.get().lines[0]?.quantity).toBe(3);
  });

  it('does not lower a line that already asks for more than is available now', () => {
    cart.add(product, 5);
    expect(cart.add(product, 1, 3)).toEqual({ quantity: 5, limited: true });
  });
});
