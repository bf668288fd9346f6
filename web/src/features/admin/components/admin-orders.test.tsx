import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Order } from '@pedidos/contracts/orders';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, problem, stubFetch, type RecordedRequest } from '../../../test/http';
import { order, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const first = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e41', number: 2001 });
const second = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e42', number: 2002 });
const confirmed = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e43', number: 2003, status: 'confirmed' });

const queryOf = (request: RecordedRequest) => new URL(request.path, 'http://localhost').searchParams;
const summaryRoute = { 'GET /api/orders/summary': () => json(200, { count: 42, totals: [{ currency: 'BRL', amount: 123400 }] }) };
const noStream = { 'GET /api/orders/stream': () => new Response(null, { status: 204 }) };

function asAdmin() {
  setSession(sessionFromTokens(tokens('admin')));
  return userEvent.setup();
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The first render loads the app's code: on a busy machine that can take longer than findBy's default second. */
const FIRST_PAINT = { timeout: 5000 };

describe('admin orders, page by page', () => {
  it('follows the cursors forward and back, and a new filter starts again from the first page', async () => {
    const user = asAdmin();
    const http = stubFetch({
      ...noStream, ...summaryRoute,
      'GET /api/orders': (request) => {
        const query = queryOf(request);
        if (query.get('status') === 'confirmed') return json(200, { items: [confirmed], nextCursor: null });
        return query.get('cursor') === 'after-2001'
          ? json(200, { items: [second], nextCursor: null })
          : json(200, { items: [first], nextCursor: 'after-2001' });
      },
    });
    renderApp('/admin/orders');
    const listed = () => http.to('GET', '/api/orders').map(queryOf);

    expect(await screen.findByRole('link', { name: 'Order #2001' }, FIRST_PAINT)).toBeTruthy();
    expect(screen.getByText('Page 1')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('link', { name: 'Order #2002' }, FIRST_PAINT)).toBeTruthy();
    expect(screen.getByText('Page 2')).toBeTruthy();
    expect(listed().at(-1)?.get('cursor')).toBe('after-2001');
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByRole('link', { name: 'Order #2001' }, FIRST_PAINT)).toBeTruthy();
    expect(screen.getByText('Page 1')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('link', { name: 'Order #2002' }, FIRST_PAINT)).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Status'), 'confirmed');
    expect(await screen.findByRole('link', { name: 'Order #2003' }, FIRST_PAINT)).toBeTruthy();
    const filtered = listed().at(-1)!;
    expect(filtered.get('status')).toBe('confirmed');
    expect(filtered.has('cursor')).toBe(false);
    // One page in all: no pager.
    await waitFor(() => expect(screen.queryByRole('navigation', { name: 'Pagination' })).toBeNull());
  });

  it('shows the view its URL names, page included: search, status, whole local days, sort, and the count and sum of the list', async () => {
    asAdmin();
    const http = stubFetch({ ...noStream, ...summaryRoute, 'GET /api/orders': () => json(200, { items: [second], nextCursor: null }) });
    renderApp('/admin/orders?q=ana&status=confirmed&from=2026-11-01&to=2026-11-30&sort=-total&after=c1.c2');

    expect(await screen.findByRole('link', { name: 'Order #2002' }, FIRST_PAINT)).toBeTruthy();
    const expected = { q: 'ana', status: 'confirmed', from: new Date(2026, 10, 1).toISOString(), to: new Date(2026, 11, 1, 0, 0, 0, -1).toISOString() };
    expect(Object.fromEntries(queryOf(http.to('GET', '/api/orders')[0]!))).toEqual({ ...expected, sort: '-total', cursor: 'c2', limit: '20' });
    expect(Object.fromEntries(queryOf(http.to('GET', '/api/orders/summary')[0]!))).toEqual(expected);
    expect(screen.getByText('Page 3')).toBeTruthy();
    expect((screen.getByLabelText('Search orders') as HTMLInputElement).value).toBe('ana');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('2026-11-01');
    expect((screen.getByLabelText('To') as HTMLInputElement).value).toBe('2026-11-30');
    expect(screen.getByRole('columnheader', { name: /Total/ }).getAttribute('aria-sort')).toBe('descending');
    expect(screen.getByRole('columnheader', { name: /Order/ }).getAttribute('aria-sort')).toBeNull();
    await waitFor(() => expect(screen.getByText('42 orders · R$1,234.00')).toBeTruthy());
    const row = screen.getByRole('row', { name: /Order #2002/ });
    expect(within(row).getByText('Ana Souza')).toBeTruthy();
    expect(within(row).getByText('ana@example.com')).toBeTruthy();
  });

  it('leaves out a day that does not exist instead of rolling it over into the next month', async () => {
    asAdmin();
    const http = stubFetch({ ...noStream, ...summaryRoute, 'GET /api/orders': () => json(200, { items: [second], nextCursor: null }) });
    renderApp('/admin/orders?from=2026-02-31&to=2026-03-05');

    expect(await screen.findByRole('link', { name: 'Order #2002' }, FIRST_PAINT)).toBeTruthy();
    const query = queryOf(http.to('GET', '/api/orders')[0]!);
    expect(query.has('from')).toBe(false);
    expect(query.get('to')).toBe(new Date(2026, 2, 6, 0, 0, 0, -1).toISOString());
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('To') as HTMLInputElement).value).toBe('2026-03-05');
  });

  it('keeps each of several changes made before the list shows the first (a busy machine, a quick hand)', async () => {
    asAdmin();
    const http = stubFetch({ ...noStream, ...summaryRoute, 'GET /api/orders': () => json(200, { items: [second], nextCursor: null }) });
    renderApp('/admin/orders?status=cancelled');
    await screen.findByRole('link', { name: 'Order #2002' }, FIRST_PAINT);

    // One act: nothing renders between the three changes, as when the next comes before React has rendered the last.
    act(() => {
      fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } });
      fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-01' } });
      fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-30' } });
    });
    const expected = { from: new Date(2026, 10, 1).toISOString(), to: new Date(2026, 11, 1, 0, 0, 0, -1).toISOString() };
    await waitFor(() => expect(Object.fromEntries(queryOf(http.to('GET', '/api/orders/summary').at(-1)!))).toEqual(expected));
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('');
  });

  it('searches once the typing pauses, and sorts by a column both ways from its header, each from the first page', async () => {
    const user = asAdmin();
    const http = stubFetch({ ...noStream, ...summaryRoute, 'GET /api/orders': () => json(200, { items: [first], nextCursor: 'next' }) });
    renderApp('/admin/orders');
    await screen.findByRole('link', { name: 'Order #2001' }, FIRST_PAINT);
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Page 2', {}, FIRST_PAINT);

    await user.type(screen.getByLabelText('Search orders'), 'bia@ex');
    await waitFor(() => expect(http.to('GET', '/api/orders').map(queryOf).at(-1)?.get('q')).toBe('bia@ex'));
    // One request for the whole word, not one per key.
    expect(http.to('GET', '/api/orders').map(queryOf).filter((q) => q.has('q'))).toHaveLength(1);
    expect(http.to('GET', '/api/orders').map(queryOf).at(-1)?.has('cursor')).toBe(false);
    expect(http.to('GET', '/api/orders/summary').map(queryOf).at(-1)?.get('q')).toBe('bia@ex');

    const total = () => screen.getByRole('columnheader', { name: /Total/ });
    await user.click(within(total()).getByRole('button', { name: /Total/ }));
    await waitFor(() => expect(total().getAttribute('aria-sort')).toBe('ascending'));
    expect(http.to('GET', '/api/orders').map(queryOf).at(-1)?.get('sort')).toBe('total');
    await user.click(within(total()).getByRole('button', { name: /Total/ }));
    await waitFor(() => expect(total().getAttribute('aria-sort')).toBe('descending'));
    const last = http.to('GET', '/api/orders').map(queryOf).at(-1)!;
    expect([last.get('sort'), last.get('q')]).toEqual(['-total', 'bia@ex']);
    await user.click(within(screen.getByRole('columnheader', { name: /Customer/ })).getByRole('button'));
    await waitFor(() => expect(http.to('GET', '/api/orders').map(queryOf).at(-1)?.get('sort')).toBe('customer'));
  });

  it('ships the selected orders a few at a time after asking, and lists what became of each, refusals translated', async () => {
    const user = asAdmin();
    const pending = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e44', number: 2004, status: 'pending' });
    const other = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e45', number: 2005, status: 'confirmed' });
    const shipped = (o: Order) => ({ ...o, status: 'shipped' as const, updatedAt: '2026-11-29T13:00:00.000Z' });
    const http = stubFetch({
      ...noStream, ...summaryRoute,
      'GET /api/orders': () => json(200, { items: [confirmed, pending, other], nextCursor: null }),
      [`POST /api/orders/${confirmed.id}/ship`]: () => json(200, shipped(confirmed)),
      [`POST /api/orders/${other.id}/ship`]: () => json(200, shipped(other)),
      [`POST /api/orders/${pending.id}/ship`]: () => problem(409, 'ORDER.INVALID_TRANSITION', 'An order that is pending cannot be shipped.'),
    });
    renderApp('/admin/orders');
    await screen.findByRole('link', { name: 'Order #2003' }, FIRST_PAINT);
    const shipSelected = screen.getByRole('button', { name: 'Ship selected' }) as HTMLButtonElement;
    expect(shipSelected.disabled).toBe(true);

    await user.click(screen.getByRole('checkbox', { name: 'Select all orders on this page' }));
    expect(screen.getByText('3 selected')).toBeTruthy();
    await user.click(shipSelected);
    let dialog = screen.getByRole('alertdialog', { name: 'Ship 3 orders?' });
    await user.click(within(dialog).getByRole('button', { name: 'Go back' }));
    expect(http.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.click(shipSelected);
    dialog = screen.getByRole('alertdialog', { name: 'Ship 3 orders?' });
    const listsBefore = http.to('GET', '/api/orders').length;
    await user.click(within(dialog).getByRole('button', { name: 'Yes, ship them' }));

    const outcome = await screen.findByText('2 of 3 orders shipped');
    const region = outcome.closest('[role="status"]') as HTMLElement;
    expect(within(region).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Order #2003: shipped',
      'Order #2004: refused, it is not confirmed any more',
      'Order #2005: shipped',
    ]);
    expect(http.requests.filter((r) => r.method === 'POST').map((r) => r.path).sort()).toEqual(
      [confirmed, pending, other].map((o) => `/api/orders/${o.id}/ship`).sort(),
    );
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await waitFor(() => expect(http.to('GET', '/api/orders').length).toBeGreaterThan(listsBefore));
    expect(screen.getByText('0 selected')).toBeTruthy();
  });

  it('cancels the selected orders, in Portuguese', async () => {
    await changeLanguage('pt-BR');
    const user = asAdmin();
    const cancelled = { ...first, status: 'cancelled' as const, updatedAt: '2026-11-29T13:00:00.000Z' };
    const http = stubFetch({
      ...noStream, ...summaryRoute,
      'GET /api/orders': () => json(200, { items: [first, second], nextCursor: null }),
      [`POST /api/orders/${first.id}/cancel`]: () => json(200, cancelled),
    });
    renderApp('/admin/orders');
    await user.click(await screen.findByRole('checkbox', { name: 'Selecionar o pedido nº 2001' }, FIRST_PAINT));
    await user.click(screen.getByRole('button', { name: 'Cancelar selecionados' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Cancelar 1 pedido?' });
    await user.click(within(dialog).getByRole('button', { name: 'Sim, cancelar' }));
    expect(await screen.findByText('Pedido nº 2001: cancelado')).toBeTruthy();
    expect(screen.getByText('1 de 1 pedidos cancelados')).toBeTruthy();
    expect(http.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([`/api/orders/${first.id}/cancel`]);
    expect(await screen.findByText(/42 pedidos · R\$\s1\.234,00/)).toBeTruthy();
  });

  it('exports the filtered, sorted list as a CSV file, with the bearer token', async () => {
    const user = asAdmin();
    const http = stubFetch({
      ...noStream, ...summaryRoute,
      'GET /api/orders': (request) => (request.headers.get('accept') === 'text/csv'
        ? new Response('number\n2001\n', { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } })
        : json(200, { items: [first], nextCursor: null })),
    });
    const saved: { name: string; href: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function click(this: HTMLAnchorElement) {
      saved.push({ name: this.download, href: this.href });
    });
    const blobs: Blob[] = [];
    // jsdom has no object URLs: the file handed to the browser is kept here instead.
    const jsdomUrl = URL as unknown as Record<string, unknown>;
    Object.assign(jsdomUrl, { createObjectURL: (blob: Blob) => (blobs.push(blob), 'blob:orders'), revokeObjectURL: () => {} });
    onTestFinished(() => {
      delete jsdomUrl.createObjectURL;
      delete jsdomUrl.revokeObjectURL;
    });
    renderApp('/admin/orders?status=pending&sort=total');
    await screen.findByRole('link', { name: 'Order #2001' }, FIRST_PAINT);

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    const request = http.to('GET', '/api/orders').find((r) => r.headers.get('accept') === 'text/csv')!;
    expect(Object.fromEntries(queryOf(request))).toEqual({ status: 'pending', sort: 'total' });
    expect(request.headers.get('authorization')).toMatch(/^Bearer /);
    expect(saved[0]!.name).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(await blobs[0]!.text()).toBe('number\n2001\n');
  });

  it('asks before shipping, delivering or cancelling one order, saying what will happen, in Portuguese too', async () => {
    await changeLanguage('pt-BR');
    const user = asAdmin();
    const shipped = { ...confirmed, status: 'shipped' as const, updatedAt: '2026-11-29T13:00:00.000Z' };
    const http = stubFetch({
      ...noStream, ...summaryRoute,
      'GET /api/orders': () => json(200, { items: [confirmed], nextCursor: null }),
      [`POST /api/orders/${confirmed.id}/ship`]: () => json(200, shipped),
    });
    renderApp('/admin/orders');
    const ships = () => http.to('POST', `/api/orders/${confirmed.id}/ship`);

    await user.click(await screen.findByRole('button', { name: 'Enviar' }, FIRST_PAINT));
    let dialog = screen.getByRole('alertdialog', { name: 'Enviar o pedido nº 2003?' });
    expect(within(dialog).getByText(/O cartão do cliente é cobrado em R\$\s99,80/)).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Voltar' }));
    await user.click(within(dialog).getByRole('button', { name: 'Voltar' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(ships()).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Cancelar' }));
    dialog = screen.getByRole('alertdialog', { name: 'Cancelar o pedido nº 2003?' });
    await user.click(within(dialog).getByRole('button', { name: 'Voltar' }));

    await user.click(screen.getByRole('button', { name: 'Enviar' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Sim, enviar' }));
    expect(await screen.findByRole('button', { name: 'Entregar' }, FIRST_PAINT)).toBeTruthy();
    expect(ships()).toHaveLength(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
