import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch } from '../../../test/http';
import { order, payment, tokens } from '../../../test/fixtures';
import { descriptionOf, renderApp } from '../../../test/render';

const confirmed = order({
  status: 'confirmed',
  note: 'Leave it with the doorman',
  history: [
    { status: 'pending', at: '2026-11-29T12:00:00.000Z', reason: null, actor: null },
    { status: 'confirmed', at: '2026-11-29T12:00:01.000Z', reason: null, actor: null },
  ],
});
const cancelled = order({ ...confirmed, status: 'cancelled', updatedAt: '2026-11-29T12:30:00.000Z' });

function openOrder(as: 'customer' | 'admin', path: string) {
  setSession(sessionFromTokens(tokens(as)));
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'GET /api/orders': () => json(200, { items: [], nextCursor: null }),
    [`GET /api/orders/${confirmed.id}`]: () => json(200, confirmed),
    [`GET /api/payments/${confirmed.id}`]: () => json(200, payment({ status: 'authorized', captured: 0, ledger: payment().ledger.slice(0, 1) })),
    [`POST /api/orders/${confirmed.id}/cancel`]: () => json(200, cancelled),
  });
  const app = renderApp(path);
  return { http, app, cancels: () => http.to('POST', `/api/orders/${confirmed.id}/cancel`) };
}

describe('an order’s page', () => {
  it('asks the customer before cancelling: going back sends nothing, confirming cancels', async () => {
    const { cancels } = openOrder('customer', `/orders/${confirmed.id}`);
    const user = userEvent.setup();

    // The first render of the file pays for loading the app: give it time.
    await user.click(await screen.findByRole('button', { name: 'Cancel order' }, { timeout: 5000 }));
    const dialog = screen.getByRole('alertdialog', { name: 'Cancel order #1042?' });
    expect(descriptionOf(dialog)).toContain('This cannot be undone.');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Go back' }));
    await user.click(within(dialog).getByRole('button', { name: 'Go back' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(cancels()).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Cancel order' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Yes, cancel the order' }));
    await waitFor(() => expect(screen.getByTestId('order-status').textContent).toBe('Cancelled'));
    expect(cancels()).toHaveLength(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('asks in Portuguese too', async () => {
    await changeLanguage('pt-BR');
    openOrder('customer', `/orders/${confirmed.id}`);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Cancelar pedido' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Cancelar o pedido nº 1042?' });
    expect(within(dialog).getByRole('button', { name: 'Voltar' })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Sim, cancelar o pedido' })).toBeTruthy();
  });

  it('labels the customer’s note as the order’s, not with the cart’s prompt', async () => {
    openOrder('customer', `/orders/${confirmed.id}`);
    const note = await screen.findByText('Leave it with the doorman', { exact: false });
    expect(note.textContent).toBe('Note: Leave it with the doorman');
    expect(document.body.textContent).not.toContain('Note for the order (optional)');
  });

  it('writes every date on the page in one format', async () => {
    openOrder('customer', `/orders/${confirmed.id}`);
    await screen.findByText('Confirmed', { selector: '.timeline-status' });
    const dates = [...document.querySelectorAll('main time')].map((time) => time.textContent ?? '');
    expect(dates.length).toBeGreaterThan(2);
    // "Nov 29, 2026, 9:00 AM" beside "Nov 29, 2026, 9:00:01 AM": the same date style, seconds only where steps are moments apart.
    for (const date of dates) expect(date).toMatch(/^Nov 29, 2026, \d{1,2}:\d{2}(:\d{2})?\s[AP]M$/);
  });

  it('in the back office, leads back to all orders and highlights the back office, not “My orders”', async () => {
    const { app } = openOrder('admin', `/admin/orders/${confirmed.id}`);
    const back = await screen.findByRole('link', { name: 'Back to all orders' });
    expect(await screen.findByRole('region', { name: 'Payment' })).toBeTruthy();

    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Back office' }).getAttribute('aria-current')).toBe('page');
    expect(within(nav).getByRole('link', { name: 'My orders' }).hasAttribute('aria-current')).toBe(false);

    await userEvent.setup().click(back);
    await waitFor(() => expect(app.location()).toBe('/admin/orders'));
  });

  it('shows the customer the address it ships to, one line each, the CEP on its own and the country by name, in Portuguese too', async () => {
    const shipping = { name: 'Ana Souza', line1: 'Rua Augusta, 100', line2: 'apto 12', city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' };
    const addressed = order({ ...confirmed, shippingAddress: shipping });
    setSession(sessionFromTokens(tokens('customer')));
    stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      [`GET /api/orders/${addressed.id}`]: () => json(200, addressed),
      [`GET /api/payments/${addressed.id}`]: () => json(200, payment()),
    });
    renderApp(`/orders/${addressed.id}`);
    const lines = () => [...within(screen.getByRole('region', { name: /Shipping address|Endereço de entrega/ })).getByTestId('shipping-address').children].map((line) => line.textContent);
    await screen.findByRole('region', { name: 'Shipping address' }, { timeout: 5000 });
    expect(lines()).toEqual(['Ana Souza', 'Rua Augusta, 100', 'apto 12', 'São Paulo – SP', '01305-000', 'Brazil']);
    await changeLanguage('pt-BR');
    await waitFor(() => expect(lines().at(-1)).toBe('Brasil'));
  });

  it('in the back office, lists an out-of-stock rejection’s short lines without offering the customer’s retry, and shows the address once', async () => {
    setSession(sessionFromTokens(tokens('admin')));
    const rejected = order({
      status: 'rejected',
      items: [{ sku: 'CAFE-1KG', name: 'Café em grãos 1 kg', quantity: 15, unitPrice: 4990 }],
      shippingAddress: { name: 'Ana Souza', line1: 'Rua Augusta, 100', line2: null, city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' },
      history: [
        { status: 'pending', at: '2026-11-29T12:00:00.000Z', reason: null, actor: null },
        { status: 'rejected', at: '2026-11-29T12:00:01.000Z', reason: 'out_of_stock', actor: null, shortages: [{ sku: 'CAFE-1KG', requested: 15, available: 10 }] },
      ],
    });
    stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      [`GET /api/orders/${rejected.id}`]: () => json(200, rejected),
      [`GET /api/payments/${rejected.id}`]: () => json(404, {}),
    });
    renderApp(`/admin/orders/${rejected.id}`);
    const short = await screen.findByRole('list', { name: 'Items short of stock' }, { timeout: 5000 });
    expect(short.textContent).toBe('Café em grãos 1 kg: you asked for 15, 10 were available');
    expect(screen.queryByRole('button', { name: 'Retry with what\'s available' })).toBeNull();
    expect(screen.getAllByText('Rua Augusta, 100')).toHaveLength(1);
  });
});
