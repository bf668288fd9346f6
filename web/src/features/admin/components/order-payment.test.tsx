import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Payment } from '@pedidos/contracts/payments';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, problem, stubFetch } from '../../../test/http';
import { order, payment, tokens } from '../../../test/fixtures';
import { descriptionOf, renderApp } from '../../../test/render';

const shipped = order({
  status: 'shipped',
  updatedAt: '2026-11-29T12:05:00.000Z',
  payment: { status: 'captured', amount: 9980, captured: 9980, refunded: 0, brand: 'visa', last4: '4242' },
});
const captured = payment();
const refundedBy = (amount: number, reason: string): Payment => ({
  ...captured,
  status: amount === captured.captured ? 'refunded' : 'partially_refunded',
  refunded: amount,
  ledger: [...captured.ledger, { kind: 'refund', amount, at: '2026-11-29T12:10:00.000Z', actor: tokens('admin').user.id, providerReference: 'sb_ref_9', reason }],
});

function openAsAdmin(refunds: (body: unknown) => Response) {
  setSession(sessionFromTokens(tokens('admin')));
  let current = captured;
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    [`GET /api/orders/${shipped.id}`]: () => json(200, shipped),
    [`GET /api/payments/${shipped.id}`]: () => json(200, current),
    [`GET /api/orders/${shipped.id}/activity`]: () => json(200, { items: [] }),
    [`POST /api/payments/${shipped.id}/refunds`]: ({ body }) => {
      const response = refunds(body);
      if (response.ok) void response.clone().json().then((p: Payment) => (current = p));
      return response;
    },
  });
  const user = userEvent.setup();
  renderApp(`/admin/orders/${shipped.id}`);
  return { http, user, refundsSent: () => http.to('POST', `/api/payments/${shipped.id}/refunds`) };
}

const section = async () => screen.findByRole('region', { name: 'Payment' });
const amount = () => screen.getByLabelText('Amount to refund') as HTMLInputElement;

async function prepare(user: ReturnType<typeof userEvent.setup>, reason: string, value?: string) {
  await screen.findByLabelText('Amount to refund');
  await waitFor(() => expect(amount().value).toBe('99.80'));
  if (value !== undefined) {
    await user.clear(amount());
    await user.type(amount(), value);
  }
  await user.type(screen.getByLabelText('Reason'), reason);
  await user.click(screen.getByRole('button', { name: 'Refund…' }));
}

describe('an order’s payment in the back office', () => {
  it('shows the payment’s figures and ledger, and refunds all that is left after a confirmation (201)', async () => {
    const { user, refundsSent } = openAsAdmin((body) => json(201, refundedBy((body as { amount: number }).amount, 'Never arrived')));
    const panel = await section();
    await waitFor(() => expect(within(panel).getByTestId('payment-status').textContent).toBe('Captured'));
    expect(within(panel).getByTestId('payment-captured').textContent).toBe('R$99.80');
    expect(within(panel).getByTestId('payment-refunded').textContent).toBe('R$0.00');
    expect(within(panel).getByTestId('payment-card').textContent).toBe('Visa •••• 4242');
    const ledger = within(panel).getByRole('table', { name: 'Payment ledger' });
    expect(within(ledger).getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual([
      expect.stringContaining('Payment authorized'),
      expect.stringContaining('Payment captured'),
    ]);

    await prepare(user, 'Never arrived');
    // Nothing goes before the second, explicit step; it starts on the safe choice.
    const confirm = screen.getByRole('alertdialog', { name: 'Refund R$99.80 to the customer\'s card?' });
    expect(descriptionOf(confirm)).toBe('A refund cannot be undone.');
    expect(refundsSent()).toHaveLength(0);
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Go back' }));

    await user.click(within(confirm).getByRole('button', { name: 'Yes, refund' }));
    expect((await within(panel).findByRole('status')).textContent).toBe('Refunded R$99.80.');
    expect(refundsSent().map((r) => r.body)).toEqual([{ amount: 9980, reason: 'Never arrived' }]);
    await waitFor(() => expect(within(panel).getByTestId('payment-refunded').textContent).toBe('R$99.80'));
    expect(within(panel).getByTestId('payment-status').textContent).toBe('Refunded');
    expect(within(ledger).getAllByRole('row').at(-1)?.textContent).toContain('RefundedR$99.80 · Never arrived');
    expect(screen.getByText('Nothing is left to refund.')).toBeTruthy();
  });

  it('sends nothing when the confirmation is declined', async () => {
    const { user, refundsSent } = openAsAdmin(() => json(201, captured));
    await prepare(user, 'Changed my mind', '10');
    await user.click(screen.getByRole('button', { name: 'Go back' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(refundsSent()).toHaveLength(0);
    expect(amount().value).toBe('10');
  });

  it('says a refund the provider has not answered yet will be retried (202)', async () => {
    const { user, refundsSent } = openAsAdmin(() => json(202, captured));
    await prepare(user, 'Late delivery', '15,00');
    await user.click(screen.getByRole('button', { name: 'Yes, refund' }));
    expect((await within(await section()).findByRole('status')).textContent).toBe(
      'Refund of R$15.00 requested: the provider has not answered yet; it will be retried.',
    );
    expect(refundsSent().map((r) => r.body)).toEqual([{ amount: 1500, reason: 'Late delivery' }]);
  });

  it('puts a refusal for more than is left on the amount, in our words (409)', async () => {
    const { user } = openAsAdmin(() =>
      problem(409, 'PAYMENT.REFUND_EXCEEDS_CAPTURED', 'At most 4980 can be refunded: captured 9980, refunded or being refunded 5000.', [
        { path: '/amount', message: 'must be at most 4980' },
      ]),
    );
    await prepare(user, 'Broken');
    await user.click(screen.getByRole('button', { name: 'Yes, refund' }));
    await waitFor(() => expect(amount().getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(amount())).toContain('That is more than is left to refund (captured minus already refunded).');
    expect(document.activeElement).toBe(amount());
  });

  it('shows the detail of a refusal it has no words for (409)', async () => {
    const { user } = openAsAdmin(() => problem(409, 'PAYMENT.SOMETHING_NEW', 'The provider is closed for refunds on Sundays.'));
    await prepare(user, 'Broken');
    await user.click(screen.getByRole('button', { name: 'Yes, refund' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The provider is closed for refunds on Sundays.');
  });

  it('refuses more than is left, or no reason, before asking anything', async () => {
    const { user, refundsSent } = openAsAdmin(() => json(201, captured));
    await screen.findByLabelText('Amount to refund');
    await waitFor(() => expect(amount().value).toBe('99.80'));
    await user.clear(amount());
    await user.type(amount(), '120');
    await user.click(screen.getByRole('button', { name: 'Refund…' }));
    await waitFor(() => expect(descriptionOf(amount())).toContain('At most R$99.80 can be refunded.'));
    expect(descriptionOf(screen.getByLabelText('Reason'))).toBe('Say why you are refunding.');
    expect(document.activeElement).toBe(amount());
    expect(screen.queryByRole('button', { name: 'Yes, refund' })).toBeNull();
    expect(refundsSent()).toHaveLength(0);
  });

  it('offers the amount in the language’s format', async () => {
    await changeLanguage('pt-BR');
    openAsAdmin(() => json(201, captured));
    await screen.findByRole('region', { name: 'Pagamento' });
    const input = (await screen.findByLabelText('Valor a reembolsar')) as HTMLInputElement;
    await waitFor(() => expect(input.value).toBe('99,80'));
    // Intl puts a no-break space between the symbol and the amount.
    expect(descriptionOf(input).replace(/\s/g, ' ')).toBe('No máximo R$ 99,80, tudo o que resta.');
  });

  it('is not shown to the customer', async () => {
    setSession(sessionFromTokens(tokens()));
    stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      [`GET /api/orders/${shipped.id}`]: () => json(200, shipped),
      [`GET /api/payments/${shipped.id}`]: () => json(200, captured),
    });
    renderApp(`/orders/${shipped.id}`);
    expect(await screen.findByText('Payment captured')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Payment' })).toBeNull();
    expect(screen.queryByLabelText('Amount to refund')).toBeNull();
  });
});
