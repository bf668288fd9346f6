import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ActivityItem, ActivityNote, OrderActivity } from '@pedidos/contracts/orders';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, problem, stubFetch } from '../../../test/http';
import { order, payment, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const ANA = { id: '7b0e5f8e-3c1a-4a56-9d1b-2f4c8e6a9b10', name: 'Ana Souza', role: 'customer' } as const;
const ADMIN = { id: 'c6a1e7b2-4d3f-4b8a-9e0c-1f2d3e4a5b6c', name: 'Admin', role: 'staff' } as const;

const shipped = order({
  status: 'shipped',
  updatedAt: '2026-11-29T12:05:00.500Z',
  history: [
    { status: 'pending', at: '2026-11-29T12:00:00.000Z', reason: null, actor: ANA.id },
    { status: 'confirmed', at: '2026-11-29T12:00:01.000Z', reason: null, actor: null },
    { status: 'shipped', at: '2026-11-29T12:05:00.500Z', reason: null, actor: ADMIN.id },
  ],
});
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const shippedActivity: ActivityItem[] = [
  { kind: 'status', status: 'pending', reason: null, at: '2026-11-29T12:00:00.000Z', by: ANA },
  { kind: 'status', status: 'confirmed', reason: null, at: '2026-11-29T12:00:01.000Z', by: null },
  { kind: 'status', status: 'shipped', reason: null, at: '2026-11-29T12:05:00.500Z', by: ADMIN },
];
const refunded = payment({
  status: 'partially_refunded',
  refunded: 1000,
  ledger: [
    ...payment().ledger,
    { kind: 'refund', amount: 1000, at: '2026-11-29T12:10:00.000Z', actor: ADMIN.id, providerReference: 'sb_ref_1', reason: 'Dented box' },
  ],
});

const rejected = order({
  status: 'rejected',
  updatedAt: '2026-11-29T12:00:01.000Z',
  items: [{ sku: 'CAFE-1KG', name: 'Café em grãos 1 kg', quantity: 15, unitPrice: 4990 }],
  history: [
    { status: 'pending', at: '2026-11-29T12:00:00.000Z', reason: null, actor: ANA.id },
    { status: 'rejected', at: '2026-11-29T12:00:01.000Z', reason: 'out_of_stock', actor: null, shortages: [{ sku: 'CAFE-1KG', requested: 15, available: 10 }] },
  ],
});

let nextNoteId = 1;
const noteFrom = (body: string): ActivityNote => ({ kind: 'note', id: nextNoteId++, body, at: '2026-11-29T12:20:00.000Z', by: ADMIN });

function openAsAdmin(
  o = shipped,
  items: ActivityItem[] = shippedActivity,
  {
    pay = refunded,
    notes = (body: unknown) => json(201, noteFrom((body as { body: string }).body)),
    traceId = TRACE_ID,
  }: { pay?: typeof refunded | null; notes?: (body: unknown) => Response; traceId?: string | null } = {},
) {
  setSession(sessionFromTokens(tokens('admin')));
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    [`GET /api/orders/${o.id}`]: () => json(200, o),
    [`GET /api/orders/${o.id}/activity`]: () => json(200, { traceId, items } satisfies OrderActivity),
    [`GET /api/payments/${o.id}`]: () => (pay ? json(200, pay) : problem(404, 'PAYMENT.NOT_FOUND', 'No payment.')),
    [`POST /api/orders/${o.id}/notes`]: ({ body }) => notes(body),
  });
  renderApp(`/admin/orders/${o.id}`);
  return { http, user: userEvent.setup(), notesSent: () => http.to('POST', `/api/orders/${o.id}/notes`), reads: () => http.to('GET', `/api/orders/${o.id}/activity`) };
}

const steps = async (name = 'Activity') => {
  const list = await screen.findByRole('list', { name }, { timeout: 5000 });
  return within(list).getAllByRole('listitem').filter((li) => li.parentElement === list);
};
const noteField = () => screen.getByLabelText('Internal note — not visible to the customer') as HTMLTextAreaElement;

describe('an order’s activity in the back office', () => {
  it('says who did what, with the payment’s steps, in time order', async () => {
    openAsAdmin();
    await waitFor(async () => expect(await steps()).toHaveLength(6), { timeout: 5000 });
    expect((await steps()).map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^Pending.*by Ana Souza \(customer\)$/),
      expect.stringMatching(/^Payment authorized.*R\$99\.80/),
      expect.stringMatching(/^Confirmed.*by the system$/),
      expect.stringMatching(/^Payment captured/),
      expect.stringMatching(/^Shipped.*by Admin \(staff\)$/),
      expect.stringMatching(/^Refunded.*by Admin \(staff\).*R\$10\.00 · Dented box$/),
    ]);
    // In place of the customer's timeline, not beside it.
    expect(screen.queryByRole('list', { name: 'Timeline' })).toBeNull();
    const first = (await steps())[0]!;
    expect(within(first).getByText((_, el) => el?.tagName === 'TIME').getAttribute('datetime')).toBe('2026-11-29T12:00:00.000Z');
  });

  it('shows the trace id the order’s saga was recorded under', async () => {
    openAsAdmin();
    const trace = await screen.findByText(TRACE_ID, {}, { timeout: 5000 });
    expect(trace.tagName).toBe('CODE');
    expect(trace.closest('dl')!.querySelector('dt')!.textContent).toBe('Trace ID');
  });

  it('shows no trace for an order placed before traces were kept', async () => {
    openAsAdmin(shipped, shippedActivity, { traceId: null });
    await waitFor(async () => expect(await steps()).toHaveLength(6), { timeout: 5000 });
    expect(screen.queryByText('Trace ID')).toBeNull();
  });

  it('shows which lines were short on a rejection for lack of stock', async () => {
    openAsAdmin(rejected, [
      { kind: 'status', status: 'pending', reason: null, at: '2026-11-29T12:00:00.000Z', by: ANA },
      { kind: 'status', status: 'rejected', reason: 'out_of_stock', at: '2026-11-29T12:00:01.000Z', by: null, shortages: [{ sku: 'CAFE-1KG', requested: 15, available: 10 }] },
    ], { pay: null });
    const short = await screen.findByRole('list', { name: 'Lines short of stock' }, { timeout: 5000 });
    expect(within(short).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['CAFE-1KG: 15 asked, 10 available']);
    expect((await steps()).at(-1)!.textContent).toMatch(/^Rejected.*by the system.*Out of stock/);
  });

  it('adds a multi-line note to the timeline at once, and clears the form', async () => {
    const { user, notesSent, reads } = openAsAdmin();
    await waitFor(async () => expect(await steps()).toHaveLength(6), { timeout: 5000 });
    await user.type(noteField(), '  Customer called:{Enter}deliver after 6 pm.  ');
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    await waitFor(async () => expect(await steps()).toHaveLength(7));
    expect(notesSent().map((r) => r.body)).toEqual([{ body: 'Customer called:\ndeliver after 6 pm.' }]);
    const note = (await steps()).at(-1)!;
    expect(within(note).getByText('Internal note')).toBeTruthy();
    expect(within(note).getByText(/by Admin \(staff\)/)).toBeTruthy();
    // Kept as typed: the line break too.
    expect(within(note).getByText('Customer called:\ndeliver after 6 pm.', { normalizer: (text) => text })).toBeTruthy();
    expect(noteField().value).toBe('');
    // The note came from the answer, not from reading the whole activity again.
    expect(reads()).toHaveLength(1);
  });

  it('refuses an empty or blank note at the field, sending nothing', async () => {
    const { user, notesSent } = openAsAdmin();
    await screen.findByLabelText('Internal note — not visible to the customer', undefined, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(await screen.findByText('Write the note first.')).toBeTruthy();
    expect(noteField().getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(noteField());
    await user.type(noteField(), '   {Enter}  ');
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(await screen.findByText('Write the note first.')).toBeTruthy();
    expect(notesSent()).toHaveLength(0);
  });

  it('takes a note of the longest length and no longer', async () => {
    const { user, notesSent } = openAsAdmin();
    await screen.findByLabelText('Internal note — not visible to the customer', undefined, { timeout: 5000 });
    expect(noteField().maxLength).toBe(2000);
    await user.click(noteField());
    await user.paste('x'.repeat(2000));
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    await waitFor(() => expect(notesSent()).toHaveLength(1));
    expect((notesSent()[0]!.body as { body: string }).body).toHaveLength(2000);
  });

  it('shows the server’s refusal of the note at the field, in the user’s language', async () => {
    await changeLanguage('pt-BR');
    const { user, notesSent } = openAsAdmin(shipped, shippedActivity, {
      notes: () => problem(400, 'REQUEST.VALIDATION', 'Invalid request: /body must be printable text.', [{ path: '/body', message: 'must be printable text' }]),
    });
    const field = (await screen.findByLabelText('Nota interna — não visível para o cliente', undefined, { timeout: 5000 })) as HTMLTextAreaElement;
    await user.type(field, 'olá');
    await user.click(screen.getByRole('button', { name: 'Adicionar nota' }));
    expect(await screen.findByText('A nota tem caracteres que não podem ser guardados; use texto simples.')).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.value).toBe('olá');
    expect(notesSent()).toHaveLength(1);
  });

  it('says a note with a control character has characters that cannot be kept, not that it is too long', async () => {
    const { user } = openAsAdmin(shipped, shippedActivity, {
      notes: () => problem(400, 'REQUEST.VALIDATION', 'Invalid request: /body must be printable text.', [{ path: '/body', message: 'must be printable text' }]),
    });
    await screen.findByLabelText('Internal note — not visible to the customer', undefined, { timeout: 5000 });
    await user.click(noteField());
    await user.paste('Call back\u0007');
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(await screen.findByText('The note has characters that cannot be kept; use plain text.')).toBeTruthy();
    expect(screen.queryByText('A note can have at most 2000 characters.')).toBeNull();
    expect(noteField().getAttribute('aria-invalid')).toBe('true');
    expect(noteField().value).toBe('Call back\u0007');
  });

  it('speaks Portuguese: who did what, and the short lines', async () => {
    await changeLanguage('pt-BR');
    openAsAdmin(rejected, [
      { kind: 'status', status: 'pending', reason: null, at: '2026-11-29T12:00:00.000Z', by: ANA },
      { kind: 'status', status: 'rejected', reason: 'out_of_stock', at: '2026-11-29T12:00:01.000Z', by: null, shortages: [{ sku: 'CAFE-1KG', requested: 15, available: 10 }] },
      { kind: 'note', id: 9, body: 'Avisar a cliente', at: '2026-11-29T12:30:00.000Z', by: { ...ADMIN, name: null } },
    ], { pay: null });
    const items = await steps('Atividade');
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^Pendente.*por Ana Souza \(cliente\)$/),
      expect.stringMatching(/^Recusado.*pelo sistema.*Sem estoque.*CAFE-1KG: 15 pedidos, 10 disponíveis$/),
      expect.stringMatching(/^Nota interna.*pela equipe.*Avisar a cliente$/),
    ]);
  });

  it('reads the activity again when the order changes live, so who shipped it shows without a reload', async () => {
    setSession(sessionFromTokens(tokens('admin')));
    const confirmed = order({ ...shipped, status: 'confirmed', updatedAt: '2026-11-29T12:00:01.000Z', history: shipped.history.slice(0, 2) });
    const events = new TransformStream<string, string>();
    const writer = events.writable.getWriter();
    const http = stubFetch({
      'GET /api/orders/stream': () => new Response(events.readable.pipeThrough(new TextEncoderStream()), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      [`GET /api/orders/${shipped.id}`]: () => json(200, confirmed),
      [`GET /api/orders/${shipped.id}/activity`]: [() => json(200, { items: shippedActivity.slice(0, 2) }), () => json(200, { items: shippedActivity })],
      [`GET /api/payments/${shipped.id}`]: () => problem(404, 'PAYMENT.NOT_FOUND', 'No payment.'),
    });
    renderApp(`/admin/orders/${shipped.id}`);
    await waitFor(async () => expect(await steps()).toHaveLength(2), { timeout: 5000 });
    await waitFor(() => expect(screen.getByText('Live updates')).toBeTruthy());

    await writer.write(`id: 9\nevent: order\ndata: ${JSON.stringify(shipped)}\n\n`);
    await waitFor(async () => expect((await steps()).at(-1)!.textContent).toMatch(/^Shipped.*by Admin \(staff\)$/));
    expect(http.to('GET', `/api/orders/${shipped.id}/activity`)).toHaveLength(2);
    await writer.close();
  });

  it('is not on the customer’s page of the order, which never asks for it', async () => {
    setSession(sessionFromTokens(tokens('customer')));
    const http = stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      [`GET /api/orders/${shipped.id}`]: () => json(200, shipped),
      [`GET /api/payments/${shipped.id}`]: () => json(200, refunded),
    });
    renderApp(`/orders/${shipped.id}`);
    await screen.findByRole('heading', { name: 'Order #1042' }, { timeout: 5000 });
    await screen.findByRole('list', { name: 'Timeline' });
    expect(screen.queryByRole('list', { name: 'Activity' })).toBeNull();
    expect(screen.queryByLabelText('Internal note — not visible to the customer')).toBeNull();
    expect(document.body.textContent).not.toMatch(/Admin|\(staff\)/);
    expect(http.requests.filter((r) => r.path.includes('/activity') || r.path.includes('/notes'))).toEqual([]);
  });
});
