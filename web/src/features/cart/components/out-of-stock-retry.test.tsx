import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Order, Shortage } from '@pedidos/contracts/orders';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch } from '../../../test/http';
import { order, product, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';
import { cart } from '../cart-store';

const cafe = product();
const cha = product({ sku: 'CHA-VERDE', name: 'Chá verde', price: 1500 });
const filtro = product({ sku: 'FILTRO-103', name: 'Filtro de papel', price: 890 });

const pending = order({
  items: [
    { sku: cafe.sku, name: cafe.name, quantity: 15, unitPrice: cafe.price },
    { sku: cha.sku, name: cha.name, quantity: 2, unitPrice: cha.price },
    { sku: 'MOEDOR', name: 'Moedor manual', quantity: 1, unitPrice: 12000 },
  ],
  total: 15 * cafe.price + 2 * cha.price + 12000,
  shippingAddress: { name: 'Ana Souza', line1: 'Rua Augusta, 100', line2: 'Apto 12', city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' },
});
const rejectedWith = (shortages: Shortage[]): Order => ({
  ...pending,
  status: 'rejected',
  updatedAt: '2026-11-29T12:00:01.000Z',
  history: [...pending.history, { status: 'rejected', at: '2026-11-29T12:00:01.000Z', reason: 'out_of_stock', actor: null, shortages }],
});
// The server lists shortages by SKU; the page lists them as the order does.
const rejected = rejectedWith([{ sku: cha.sku, requested: 2, available: 0 }, { sku: cafe.sku, requested: 15, available: 10 }]);

/** The customer's page of the pending order; the returned function sends an order event on the live stream. */
function openPendingOrder() {
  setSession(sessionFromTokens(tokens()));
  const events = new TransformStream<string, string>();
  const writer = events.writable.getWriter();
  stubFetch({
    'GET /api/orders/stream': () => new Response(events.readable.pipeThrough(new TextEncoderStream()), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    [`GET /api/orders/${pending.id}`]: () => json(200, pending),
    [`GET /api/payments/${pending.id}`]: () => json(404, {}),
  });
  const app = renderApp(`/orders/${pending.id}`);
  let id = 1;
  const send = (next: Order) => writer.write(`id: ${++id}\nevent: order\ndata: ${JSON.stringify(next)}\n\n`);
  return { app, send, close: () => writer.close() };
}

// The whole app renders: slow when the machine is busy.
describe('an order rejected for lack of stock', { timeout: 20_000 }, () => {
  it('lists the short lines as the rejection arrives, and retries with what was available without losing the cart', async () => {
    cart.add(filtro, 2);
    const { app, send, close } = openPendingOrder();
    const user = userEvent.setup();
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' }, { timeout: 5000 })).toBeTruthy();
    const address = screen.getByRole('region', { name: 'Shipping address' });
    expect(within(address).getByText('Rua Augusta, 100')).toBeTruthy();
    expect(within(address).getByText('São Paulo – SP')).toBeTruthy();
    expect(within(address).getByText('Brazil')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry with what\'s available' })).toBeNull();

    await send(rejected);
    const short = await screen.findByRole('list', { name: 'Items short of stock' });
    expect(within(short).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      `${cafe.name}: you asked for 15, 10 were available`,
      `${cha.name}: you asked for 2, none was available`,
    ]);
    expect(screen.getByTestId('order-status').textContent).toBe('Rejected');

    await user.click(screen.getByRole('button', { name: 'Retry with what\'s available' }));
    expect(app.location()).toBe('/cart');
    const changes = screen.getAllByRole('status').find((s) => s.textContent?.startsWith('Your order\'s items are back in the cart, adjusted to what is available:'));
    expect(changes?.textContent).toContain(`${cafe.name}: lowered to 10`);
    expect(changes?.textContent).toContain(`${cha.name}: left out, none available`);

    const quantity = (name: string) => (screen.queryByRole('spinbutton', { name: `Quantity of ${name}` }) as HTMLInputElement | null)?.value;
    expect(quantity(filtro.name)).toBe('2');
    expect(quantity(cafe.name)).toBe('10');
    expect(quantity('Moedor manual')).toBe('1');
    expect(quantity(cha.name)).toBeUndefined();
    await close();
  });

  it('offers no retry when nothing was available', async () => {
    const { send, close } = openPendingOrder();
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' }, { timeout: 5000 })).toBeTruthy();
    await send({
      ...rejectedWith([{ sku: cafe.sku, requested: 15, available: 0 }, { sku: cha.sku, requested: 2, available: 0 }]),
      items: pending.items.slice(0, 2),
    });
    expect(await screen.findByText('None of these items was available, so there is nothing to order again yet.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry with what\'s available' })).toBeNull();
    await close();
  });

  it('speaks Portuguese', async () => {
    await changeLanguage('pt-BR');
    const { app, send, close } = openPendingOrder();
    const user = userEvent.setup();
    expect(await screen.findByRole('heading', { level: 1, name: 'Pedido nº 1042' }, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Endereço de entrega' })).toBeTruthy();
    await send(rejected);
    const short = await screen.findByRole('list', { name: 'Itens sem estoque suficiente' });
    expect(within(short).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      `${cafe.name}: você pediu 15, havia 10 disponíveis`,
      `${cha.name}: você pediu 2, não havia nenhum disponível`,
    ]);
    await user.click(screen.getByRole('button', { name: 'Tentar de novo com o disponível' }));
    await waitFor(() => expect(app.location()).toBe('/cart'));
    expect(screen.getByText(`${cafe.name}: reduzido para 10`)).toBeTruthy();
    expect(screen.getByText(`${cha.name}: deixado de fora, nenhum disponível`)).toBeTruthy();
    await close();
  });
});
