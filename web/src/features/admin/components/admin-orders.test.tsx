import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch } from '../../../test/http';
import { order, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const first = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e41', number: 2001 });
const second = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e42', number: 2002 });
const confirmed = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e43', number: 2003, status: 'confirmed' });

describe('admin orders, page by page', () => {
  it('follows the cursors forward and back, and a new filter starts again from the first page', async () => {
    setSession(sessionFromTokens(tokens('admin')));
    const http = stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      'GET /api/orders': ({ path }) => {
        const query = new URL(path, 'http://localhost').searchParams;
        if (query.get('status') === 'confirmed') return json(200, { items: [confirmed], nextCursor: null });
        return query.get('cursor') === 'after-2001'
          ? json(200, { items: [second], nextCursor: null })
          : json(200, { items: [first], nextCursor: 'after-2001' });
      },
    });
    const user = userEvent.setup();
    renderApp('/admin/orders');
    const listed = () => http.to('GET', '/api/orders').map((r) => new URL(r.path, 'http://localhost').searchParams);

    expect(await screen.findByRole('link', { name: 'Order #2001' })).toBeTruthy();
    expect(screen.getByText('Page 1')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('link', { name: 'Order #2002' })).toBeTruthy();
    expect(screen.getByText('Page 2')).toBeTruthy();
    expect(listed().at(-1)?.get('cursor')).toBe('after-2001');
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByRole('link', { name: 'Order #2001' })).toBeTruthy();
    expect(screen.getByText('Page 1')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('link', { name: 'Order #2002' })).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Status'), 'confirmed');
    expect(await screen.findByRole('link', { name: 'Order #2003' })).toBeTruthy();
    const filtered = listed().at(-1)!;
    expect(filtered.get('status')).toBe('confirmed');
    expect(filtered.has('cursor')).toBe(false);
    // One page in all: no pager.
    await waitFor(() => expect(screen.queryByRole('navigation', { name: 'Pagination' })).toBeNull());
  });

  it('asks before shipping, delivering or cancelling, saying what will happen, in Portuguese too', async () => {
    await changeLanguage('pt-BR');
    setSession(sessionFromTokens(tokens('admin')));
    const shipped = { ...confirmed, status: 'shipped' as const, updatedAt: '2026-11-29T13:00:00.000Z' };
    const http = stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      'GET /api/orders': () => json(200, { items: [confirmed], nextCursor: null }),
      [`POST /api/orders/${confirmed.id}/ship`]: () => json(200, shipped),
    });
    const user = userEvent.setup();
    renderApp('/admin/orders');
    const ships = () => http.to('POST', `/api/orders/${confirmed.id}/ship`);

    await user.click(await screen.findByRole('button', { name: 'Enviar' }));
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
    expect(await screen.findByRole('button', { name: 'Entregar' })).toBeTruthy();
    expect(ships()).toHaveLength(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
