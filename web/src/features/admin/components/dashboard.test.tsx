import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch } from '../../../test/http';
import { order, product, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const operations = () => json(200, { outbox: { backlog: 0, oldestAgeSeconds: 0 }, deadLetters: {} });

function dashboard() {
  setSession(sessionFromTokens(tokens('admin')));
  const recent = new Date(Date.now() - 5 * 60_000).toISOString();
  const old = new Date(Date.now() - 2 * 60 * 60_000).toISOString();
  const paid = (id: string, captured: number, refunded: number, createdAt = recent) =>
    order({ id, createdAt, status: 'shipped', payment: { status: 'captured', amount: captured, captured, refunded, brand: 'visa', last4: '4242' } });
  stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'GET /api/orders': () =>
      json(200, {
        items: [
          paid('0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e51', 9980, 0),
          paid('0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e52', 4990, 1250),
          order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e53', createdAt: recent }),
          // Older than the window: not counted.
          paid('0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e54', 100_000, 100_000, old),
        ],
        nextCursor: null,
      }),
    'GET /api/products': () => json(200, { items: [product()], nextCursor: null }),
    'GET /api/orders/operations': operations,
    'GET /api/products/operations': operations,
    'GET /api/payments/operations': operations,
  });
  renderApp('/admin/dashboard');
}

describe('dashboard money', () => {
  it('shows the money captured and refunded over the window’s orders', async () => {
    dashboard();
    expect((await screen.findByTestId('captured-total')).textContent).toBe('R$149.70');
    expect(screen.getByTestId('refunded-total').textContent).toBe('R$12.50');
    expect(screen.getByText('Captured payments')).toBeTruthy();
    expect(await screen.findByTestId('outbox-payments')).toBeTruthy();
  });

  it('in reais, the Brazilian way', async () => {
    await changeLanguage('pt-BR');
    dashboard();
    expect((await screen.findByTestId('captured-total')).textContent?.replace(/\s/g, ' ')).toBe('R$ 149,70');
    expect(screen.getByText('Reembolsos')).toBeTruthy();
  });
});
