import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { OrderStats } from '@pedidos/contracts/orders';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch, type RecordedRequest } from '../../../test/http';
import { product, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';
import { addDays, dayOf } from '../../../lib/local-day';

const stats = (overrides: Partial<OrderStats>): OrderStats => ({
  from: '2026-12-07T00:00:00.000Z',
  to: '2026-12-07T15:00:00.000Z',
  bucket: 'hour',
  tz: 'UTC',
  orders: 0,
  byStatus: { pending: 0, confirmed: 0, shipped: 0, delivered: 0, rejected: 0, cancelled: 0 },
  revenue: [],
  averageOrder: [],
  captured: [],
  refunded: [],
  topProducts: [],
  series: [],
  ...overrides,
});

const THIS_PERIOD = stats({
  orders: 12,
  byStatus: { pending: 2, confirmed: 3, shipped: 2, delivered: 2, rejected: 3, cancelled: 0 },
  revenue: [{ currency: 'BRL', amount: 123_456 }],
  averageOrder: [{ currency: 'BRL', amount: 17_637 }],
  captured: [{ currency: 'BRL', amount: 98_000 }],
  refunded: [{ currency: 'BRL', amount: 3_000 }],
  topProducts: [
    { sku: 'CAFE-1KG', name: 'Café em grãos 1 kg', units: 14, revenue: [{ currency: 'BRL', amount: 69_860 }] },
    { sku: 'MATE-500G', name: 'Erva-mate 500 g', units: 9, revenue: [{ currency: 'BRL', amount: 21_510 }, { currency: 'USD', amount: 1_200 }] },
  ],
});
const PREVIOUS_PERIOD = stats({
  orders: 8,
  byStatus: { pending: 0, confirmed: 2, shipped: 2, delivered: 4, rejected: 0, cancelled: 0 },
  revenue: [{ currency: 'BRL', amount: 100_000 }],
  averageOrder: [{ currency: 'BRL', amount: 12_500 }],
  captured: [{ currency: 'BRL', amount: 80_000 }],
  topProducts: [{ sku: 'SAL-1KG', name: 'Sal 1 kg', units: 40, revenue: [{ currency: 'BRL', amount: 8_000 }] }],
});

const query = (request: RecordedRequest) => new URL(request.path, 'http://localhost').searchParams;

/** The range ending now is this period; the one that ended a day or more ago is the previous. */
function dashboard(path = '/admin/dashboard') {
  setSession(sessionFromTokens(tokens('admin')));
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'GET /api/orders/stats': (request) => json(200, Date.parse(query(request).get('to')!) > Date.now() - 3_600_000 ? THIS_PERIOD : PREVIOUS_PERIOD),
    'GET /api/products': () => json(200, { items: [product()], nextCursor: null }),
  });
  const app = renderApp(path);
  return { ...app, http, statsQueries: () => http.to('GET', '/api/orders/stats').map(query) };
}

// The first render loads the app's routes: seconds on a busy machine.
const figure = (name: string) => screen.findByRole('group', { name }, { timeout: 15_000 });

// Whole-app renders: slow on a busy machine, so longer limits than the defaults.
describe('dashboard', { timeout: 30_000 }, () => {
  it('shows today’s figures by the hour, each beside yesterday’s up to the same time, with the change in words', async () => {
    const { statsQueries } = dashboard();
    const orders = await figure('Orders');
    expect(orders.textContent).toContain('12');
    expect(orders.textContent).toContain('up 50%');
    expect(orders.textContent).toContain('previous period: 8');
    expect((await figure('Revenue')).textContent).toContain('R$1,234.56');
    expect((await figure('Revenue')).textContent).toContain('up 23%');
    expect((await figure('Average order')).textContent).toContain('R$176.37');
    const rejected = await figure('Rejected orders');
    expect(rejected.textContent).toContain('25% of the orders');
    expect(rejected.textContent).toContain('none before');

    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const queries = statsQueries();
    expect(queries.map((q) => [q.get('from'), q.get('bucket')])).toEqual(expect.arrayContaining([
      [midnight.toISOString(), 'hour'],
      [addDays(midnight, -1).toISOString(), 'hour'],
    ]));
    expect(queries.every((q) => q.get('tz') === Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(true);
    expect(screen.getByRole('link', { name: 'Today' }).getAttribute('aria-current')).toBe('true');

    const byStatus = within(screen.getByRole('region', { name: 'Orders by status' }));
    expect(byStatus.getByRole('row', { name: 'Rejected 3 0' })).toBeTruthy();
  });

  it('takes its range from the address: 7 days by the day, and another preset by its link', async () => {
    const { statsQueries } = dashboard('/admin/dashboard?range=7d');
    await figure('Orders');
    expect(screen.getByRole('link', { name: '7 days' }).getAttribute('aria-current')).toBe('true');
    const sixDaysAgo = addDays(new Date(new Date().setHours(0, 0, 0, 0)), -6);
    expect(statsQueries().map((q) => [q.get('from'), q.get('bucket')])).toContainEqual([sixDaysAgo.toISOString(), 'day']);

    fireEvent.click(screen.getByRole('link', { name: '30 days' }));
    await waitFor(() => expect(screen.getByRole('link', { name: '30 days' }).getAttribute('aria-current')).toBe('true'));
    await waitFor(() => expect(statsQueries().map((q) => q.get('from'))).toContain(addDays(sixDaysAgo, -23).toISOString()));
  });

  it('asks a custom range for its whole days, and says what is wrong with one it cannot show', async () => {
    const { statsQueries } = dashboard();
    await figure('Orders');
    fireEvent.click(screen.getByRole('link', { name: 'Custom' }));
    const form = within(await screen.findByRole('form', { name: 'Custom range' }));
    const from = form.getByLabelText('From') as HTMLInputElement;
    const to = form.getByLabelText('To') as HTMLInputElement;
    const today = new Date();
    expect(from.value).toBe(dayOf(addDays(today, -6)));
    expect(to.value).toBe(dayOf(today));

    fireEvent.change(from, { target: { value: '2026-11-10' } });
    fireEvent.change(to, { target: { value: '2026-11-01' } });
    fireEvent.click(form.getByRole('button', { name: 'Show' }));
    expect(await form.findByText('The last day must be on or after the first.')).toBeTruthy();
    expect(to.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(to);

    fireEvent.change(to, { target: { value: '2026-11-12' } });
    fireEvent.click(form.getByRole('button', { name: 'Show' }));
    await waitFor(() => expect(statsQueries().map((q) => [q.get('from'), q.get('to'), q.get('bucket')])).toContainEqual(
      [new Date(2026, 10, 10).toISOString(), new Date(2026, 10, 13).toISOString(), 'day'],
    ));
    // The three days before, for comparison.
    expect(statsQueries().map((q) => q.get('from'))).toContain(new Date(2026, 10, 7).toISOString());
    expect(screen.getByRole('link', { name: 'Custom' }).getAttribute('aria-current')).toBe('true');
  });

  it('shows the money captured and refunded beside the previous period’s, and the period’s top products by units', async () => {
    dashboard();
    const captured = await figure('Captured');
    expect(captured.textContent).toContain('R$980.00');
    expect(captured.textContent).toContain('up 23%');
    expect(captured.textContent).toContain('previous period: R$800.00');
    const refunded = await figure('Refunded');
    expect(refunded.textContent).toContain('R$30.00');
    expect(refunded.textContent).toContain('none before');
    expect(refunded.textContent).toContain('previous period: R$0.00');

    const top = within(screen.getByRole('region', { name: 'Top products' }));
    expect(top.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Product', 'Units', 'Revenue']);
    expect(top.getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual([
      'Café em grãos 1 kg CAFE-1KG14R$698.60',
      'Erva-mate 500 g MATE-500G9R$215.10 + $12.00',
    ]);
    // This period's best sellers only: the previous period's are not listed.
    expect(top.queryByText('Sal 1 kg')).toBeNull();
  });

  it('says when nothing sold in the range, and names the currency of each sum when there are several', async () => {
    setSession(sessionFromTokens(tokens('admin')));
    stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      'GET /api/orders/stats': () => json(200, stats({ captured: [{ currency: 'USD', amount: 500 }], refunded: [{ currency: 'BRL', amount: 100 }] })),
      'GET /api/products': () => json(200, { items: [product()], nextCursor: null }),
    });
    renderApp('/admin/dashboard');
    expect((await figure('Captured (USD)')).textContent).toContain('$5.00');
    expect((await figure('Refunded (BRL)')).textContent).toContain('R$1.00');
    expect((await figure('Captured (BRL)')).textContent).toContain('R$0.00');
    expect(within(screen.getByRole('region', { name: 'Top products' })).getByText('No products sold in this range.')).toBeTruthy();
  });

  it('the back office home leads to every section, the operations page included', async () => {
    setSession(sessionFromTokens(tokens('admin')));
    stubFetch({ 'GET /api/orders/stream': () => new Response(null, { status: 204 }) });
    renderApp('/admin');
    const cards = await screen.findAllByRole('heading', { level: 2 }, { timeout: 15_000 });
    expect(cards.map((h) => h.textContent)).toEqual(['Orders', 'Products', 'Dashboard', 'Operations', 'Webhooks']);
    expect(cards.map((h) => within(h).getByRole('link').getAttribute('href'))).toEqual(['/admin/orders', '/admin/products', '/admin/dashboard', '/admin/operations', '/admin/webhooks']);
    expect(screen.getByText('Watch the services behind the shop: events waiting to be published and messages that failed.')).toBeTruthy();
  });

  it('no longer shows the messaging counters: they are on the operations page', async () => {
    const { http } = dashboard();
    await figure('Orders');
    expect(screen.queryByRole('heading', { name: 'Messaging' })).toBeNull();
    expect(http.requests.some((r) => r.path.includes('/operations'))).toBe(false);
  });

  it('in Portuguese, with Brazilian numbers and money', async () => {
    await changeLanguage('pt-BR');
    dashboard();
    const revenue = await figure('Receita');
    expect(revenue.textContent?.replace(/\s/g, ' ')).toContain('R$ 1.234,56');
    expect(revenue.textContent).toContain('alta de 23%');
    expect((await figure('Pedidos')).textContent).toContain('período anterior: 8');
    expect(screen.getByRole('link', { name: 'Hoje' })).toBeTruthy();
    expect((await figure('Capturado')).textContent?.replace(/\s/g, ' ')).toContain('R$ 980,00');
    expect((await figure('Reembolsado')).textContent?.replace(/\s/g, ' ')).toContain('período anterior: R$ 0,00');
    const top = within(screen.getByRole('region', { name: 'Mais vendidos' }));
    expect(top.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Produto', 'Unidades', 'Receita']);
  });
});
