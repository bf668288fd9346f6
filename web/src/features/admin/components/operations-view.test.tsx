import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch } from '../../../test/http';
import { tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

/** What a region says against one of its terms (the `dd` after the `dt`). */
const valueOf = (region: ReturnType<typeof within>, term: string) => region.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;

function operationsPage() {
  setSession(sessionFromTokens(tokens('admin')));
  stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'GET /api/orders/operations': () => json(200, { outbox: { backlog: 3, oldestAgeSeconds: 125 }, deadLetters: { 'orders.stock-answers': 2, 'orders.payments': 0 } }),
    'GET /api/products/operations': () => json(200, { outbox: { backlog: 0, oldestAgeSeconds: 0 }, deadLetters: { 'inventory.orders': 0 } }),
    'GET /api/payments/operations': () => json(200, { outbox: { backlog: 1, oldestAgeSeconds: 4 }, deadLetters: {} }),
  });
  renderApp('/admin/operations');
}

describe('operations page', { timeout: 30_000 }, () => {
  it('shows each service’s outbox backlog, how old its oldest waiting event is, and its dead letters by queue', async () => {
    operationsPage();
    const orders = within(await screen.findByRole('region', { name: 'Orders service' }, { timeout: 15_000 }));
    expect(valueOf(orders, 'Outbox backlog')).toBe('3 events');
    expect(valueOf(orders, 'Oldest unpublished event')).toBe('2 min');
    expect(valueOf(orders, 'Dead letters')).toBe('2 messages');
    expect(within(orders.getByRole('list', { name: 'Dead letters by queue' })).getAllByRole('listitem').map((li) => li.textContent))
      .toEqual(['orders.stock-answers 2 messages']);

    const inventory = within(screen.getByRole('region', { name: 'Inventory service' }));
    expect(valueOf(inventory, 'Outbox backlog')).toBe('0 events');
    expect(valueOf(inventory, 'Oldest unpublished event')).toBe('none waiting');
    expect(valueOf(inventory, 'Dead letters')).toBe('0 messages');
    expect(inventory.queryByRole('list', { name: 'Dead letters by queue' })).toBeNull();

    expect(valueOf(within(screen.getByRole('region', { name: 'Payments service' })), 'Outbox backlog')).toBe('1 event');
    expect(screen.getByRole('link', { name: 'Operations' }).getAttribute('aria-current')).toBe('page');
    expect(document.title).toContain('Operations');
  });

  it('in Portuguese', async () => {
    await changeLanguage('pt-BR');
    operationsPage();
    const orders = within(await screen.findByRole('region', { name: 'Serviço de pedidos' }, { timeout: 15_000 }));
    expect(valueOf(orders, 'Fila do outbox')).toBe('3 eventos');
    expect(valueOf(orders, 'Mensagens mortas (DLQ)')).toBe('2 mensagens');
    // Portuguese counts zero in the plural.
    expect(valueOf(within(screen.getByRole('region', { name: 'Serviço de estoque' })), 'Fila do outbox')).toBe('0 eventos');
    expect(screen.getByRole('heading', { level: 1, name: 'Operações' })).toBeTruthy();
  });
});
