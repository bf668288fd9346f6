import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Movement } from '@pedidos/contracts/inventory';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { json, stubFetch } from '../../../test/http';
import { product, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const movement = (overrides: Partial<Movement>): Movement => ({
  id: 1, sku: 'CAFE-1KG', kind: 'adjustment', quantity: 0, onHandChange: 0, reservedChange: 0, orderId: null, reason: null, actor: null,
  onHand: 12, reserved: 2, at: '2026-11-29T12:00:00.000Z', ...overrides,
});

describe('stock movements', () => {
  it('shows what each movement did to the stock on hand and to what is reserved in columns of their own', async () => {
    setSession(sessionFromTokens(tokens('admin')));
    const order = '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e40';
    stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      'GET /api/products/CAFE-1KG': () => json(200, product()),
      'GET /api/products/CAFE-1KG/movements': () => json(200, {
        items: [
          movement({ id: 3, kind: 'shipment', quantity: -1, onHandChange: -1, reservedChange: -1, orderId: order, onHand: 12, reserved: 2 }),
          movement({ id: 2, kind: 'reservation', quantity: 3, onHandChange: 0, reservedChange: 3, orderId: order, onHand: 13, reserved: 3 }),
          movement({ id: 1, kind: 'adjustment', quantity: 13, onHandChange: 13, reservedChange: 0, reason: 'initial stock', onHand: 13, reserved: 0 }),
        ],
        nextCursor: null,
      }),
    });
    renderApp('/admin/products/CAFE-1KG/movements');

    const table = await screen.findByRole('table');
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['When', 'Kind', 'On-hand change', 'Reserved change', 'On hand', 'Reserved', 'Order or reason']);
    const cells = (name: string) => within(within(table).getByRole('row', { name: new RegExp(name) })).getAllByRole('cell').map((c) => c.textContent);
    // An untouched level shows a dash, read out as "No change".
    expect(cells('Reservation').slice(2, 4)).toEqual(['—No change', '+3']);
    expect(cells('Adjustment').slice(2, 4)).toEqual(['+13', '—No change']);
    expect(cells('Shipment').slice(2, 4)).toEqual(['-1', '-1']);
  });
});
