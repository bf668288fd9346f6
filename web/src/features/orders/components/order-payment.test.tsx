import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Order } from '@pedidos/contracts/orders';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, problem, stubFetch } from '../../../test/http';
import { order, payment, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const pending = order();
const at = (time: string) => `2026-11-29T${time}Z`;
const history = (...steps: [Order['status'], string, string | null][]) =>
  steps.map(([status, time, reason]) => ({ status, at: at(time), reason, actor: null }));

const steps = () => within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem').map((li) => li.textContent ?? '');
const noStream = () => new Response(null, { status: 204 });

describe('an order’s payment, as its customer sees it', () => {
  it('shows the authorization, the capture and a refund among the status changes, in time order', async () => {
    setSession(sessionFromTokens(tokens()));
    const shipped = order({
      status: 'shipped',
      updatedAt: at('12:05:00.000'),
      history: history(['pending', '12:00:00.000', null], ['confirmed', '12:00:00.300', null], ['shipped', '12:05:00.000', null]),
      payment: { status: 'partially_refunded', amount: 9980, captured: 9980, refunded: 1500, brand: 'visa', last4: '4242' },
    });
    const paid = payment({
      status: 'partially_refunded',
      refunded: 1500,
      ledger: [
        ...payment().ledger,
        { kind: 'refund', amount: 1500, at: at('12:10:00.000'), actor: tokens('admin').user.id, providerReference: 'sb_ref_1', reason: 'Damaged bag' },
      ],
    });
    stubFetch({
      'GET /api/orders/stream': noStream,
      [`GET /api/orders/${shipped.id}`]: () => json(200, shipped),
      [`GET /api/payments/${shipped.id}`]: () => json(200, paid),
    });
    renderApp(`/orders/${shipped.id}`);

    expect(await screen.findByText('Payment authorized', {}, { timeout: 5000 })).toBeTruthy();
    expect(steps()).toHaveLength(6);
    // The capture is the shipment's consequence: at the same instant, the order's state comes first.
    const [placed, authorized, confirmed, shippedStep, captured, refunded] = steps();
    expect(placed).toContain('Pending');
    expect(authorized).toContain('Payment authorized');
    expect(authorized).toContain('R$99.80 · Visa •••• 4242');
    expect(confirmed).toContain('Confirmed');
    expect(captured).toContain('Payment captured');
    expect(captured).toContain('R$99.80');
    expect(shippedStep).toContain('Shipped');
    expect(refunded).toContain('Refunded');
    expect(refunded).toContain('R$15.00 · Damaged bag');
  });

  it('says in words that the order was rejected because the card was declined, and why', async () => {
    setSession(sessionFromTokens(tokens()));
    const rejected = order({
      status: 'rejected',
      updatedAt: at('12:00:01.000'),
      history: history(['pending', '12:00:00.000', null], ['rejected', '12:00:01.000', 'payment_declined']),
      payment: { status: 'declined', amount: 9980, captured: 0, refunded: 0, brand: 'visa', last4: '9995' },
    });
    const declined = payment({
      status: 'declined',
      captured: 0,
      last4: '9995',
      ledger: [{ kind: 'decline', amount: 0, at: at('12:00:00.800'), actor: null, providerReference: 'sb_auth_2', reason: 'insufficient_funds' }],
    });
    stubFetch({
      'GET /api/orders/stream': noStream,
      [`GET /api/orders/${rejected.id}`]: () => json(200, rejected),
      [`GET /api/payments/${rejected.id}`]: () => json(200, declined),
    });
    renderApp(`/orders/${rejected.id}`);

    expect(await screen.findByTestId('order-status')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('payment-declined').textContent).toBe(
      'The payment was declined, so this order will not be shipped and nothing was charged. Insufficient funds.',
    ));
    await waitFor(() => expect(steps()).toHaveLength(3));
    expect(steps()[1]).toContain('Payment declined');
    expect(steps()[1]).toContain('Insufficient funds.');
    expect(steps()[2]).toContain('Rejected');
    expect(steps()[2]).toContain('Payment declined');
  });

  it('shows a plain card decline in Portuguese too', async () => {
    await changeLanguage('pt-BR');
    setSession(sessionFromTokens(tokens()));
    const rejected = order({
      status: 'rejected',
      history: history(['pending', '12:00:00.000', null], ['rejected', '12:00:01.000', 'payment_declined']),
    });
    stubFetch({
      'GET /api/orders/stream': noStream,
      [`GET /api/orders/${rejected.id}`]: () => json(200, rejected),
      [`GET /api/payments/${rejected.id}`]: () =>
        json(200, payment({ status: 'declined', captured: 0, ledger: [{ kind: 'decline', amount: 0, at: at('12:00:00.800'), actor: null, providerReference: null, reason: 'card_declined' }] })),
    });
    renderApp(`/orders/${rejected.id}`);
    await waitFor(() => expect(screen.getByTestId('payment-declined').textContent).toBe(
      'O pagamento foi recusado; este pedido não será enviado e nada foi cobrado. O cartão foi recusado.',
    ));
  });

  it('shows nothing of a payment that has not started, and no error', async () => {
    setSession(sessionFromTokens(tokens()));
    const http = stubFetch({
      'GET /api/orders/stream': noStream,
      [`GET /api/orders/${pending.id}`]: () => json(200, pending),
      [`GET /api/payments/${pending.id}`]: () => problem(404, 'PAYMENT.NOT_FOUND', `No payment for order ${pending.id}.`),
    });
    renderApp(`/orders/${pending.id}`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();
    await waitFor(() => expect(http.to('GET', `/api/payments/${pending.id}`)).toHaveLength(1));
    expect(steps()).toHaveLength(1);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText(/Payment/)).toBeNull();
  });

  it('reads the payment again when the order changes live, so the authorization shows without a reload', async () => {
    setSession(sessionFromTokens(tokens()));
    const confirmed = order({
      status: 'confirmed',
      updatedAt: at('12:00:01.000'),
      history: history(['pending', '12:00:00.000', null], ['confirmed', '12:00:01.000', null]),
      payment: { status: 'authorized', amount: 9980, captured: 0, refunded: 0, brand: 'mastercard', last4: '4444' },
    });
    const authorized = payment({
      status: 'authorized',
      captured: 0,
      brand: 'mastercard',
      last4: '4444',
      ledger: [{ kind: 'authorization', amount: 9980, at: at('12:00:00.900'), actor: null, providerReference: 'sb_auth_3', reason: null }],
    });
    const events = new TransformStream<string, string>();
    const writer = events.writable.getWriter();
    const http = stubFetch({
      'GET /api/orders/stream': () =>
        new Response(events.readable.pipeThrough(new TextEncoderStream()), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      [`GET /api/orders/${pending.id}`]: () => json(200, pending),
      [`GET /api/payments/${pending.id}`]: [
        () => problem(404, 'PAYMENT.NOT_FOUND', 'No payment yet.'),
        () => json(200, authorized),
      ],
    });
    renderApp(`/orders/${pending.id}`);
    await waitFor(() => expect(http.to('GET', `/api/payments/${pending.id}`).length).toBeGreaterThan(0));
    await waitFor(() => expect(screen.getByText('Live updates')).toBeTruthy());
    expect(screen.queryByText('Payment authorized')).toBeNull();

    await writer.write(`id: 7\nevent: order\ndata: ${JSON.stringify(confirmed)}\n\n`);
    expect(await screen.findByText('Payment authorized')).toBeTruthy();
    expect(screen.getByText(/Mastercard •••• 4444/)).toBeTruthy();
    expect(screen.getByTestId('order-status').textContent).toBe('Confirmed');
    await writer.close();
  });
});
