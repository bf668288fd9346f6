import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebhookDelivery } from '@pedidos/contracts/webhooks';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, problem, stubFetch, type RecordedRequest } from '../../../test/http';
import { tokens, webhookEndpoint } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const ENDPOINT = webhookEndpoint();
const DELIVERIES = `/api/webhooks/${ENDPOINT.id}/deliveries`;

const delivery = (overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c61',
  eventId: 'evt-order-created-1042',
  eventType: 'order.created',
  status: 'delivered',
  attempts: 3,
  lastStatusCode: 200,
  lastDurationMs: 41,
  lastError: null,
  nextAttemptAt: null,
  createdAt: '2026-11-29T12:00:00.000Z',
  attemptLog: [
    { at: '2026-11-29T12:00:00.100Z', statusCode: null, durationMs: 10000, error: 'timed out after 10000 ms' },
    { at: '2026-11-29T12:00:15.000Z', statusCode: 500, durationMs: 12, error: 'HTTP 500' },
    { at: '2026-11-29T12:00:45.000Z', statusCode: 200, durationMs: 41, error: null },
  ],
  ...overrides,
});

const pending = delivery({
  status: 'pending', attempts: 1, lastStatusCode: 500, lastDurationMs: 12, lastError: 'HTTP 500', nextAttemptAt: '2026-11-29T12:00:15.000Z',
  attemptLog: [{ at: '2026-11-29T12:00:00.100Z', statusCode: 500, durationMs: 12, error: 'HTTP 500' }],
});

const FIRST_PAINT = { timeout: 5000 };
const cursorOf = (request: RecordedRequest) => new URL(request.path, 'http://localhost').searchParams.get('cursor');

function deliveriesPage(routes: Parameters<typeof stubFetch>[0]) {
  setSession(sessionFromTokens(tokens('admin')));
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'GET /api/webhooks': () => json(200, { items: [ENDPOINT] }),
    ...routes,
  });
  renderApp(`/admin/webhooks/${ENDPOINT.id}`);
  return http;
}

const deliveryItem = async (eventType = 'order.created') =>
  (await screen.findByRole('listitem', { name: eventType }, FIRST_PAINT));

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('an endpoint’s deliveries', () => {
  it('shows each delivery’s event, status, attempts, last answer and next try, and every attempt when expanded', async () => {
    const failed = delivery({
      id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c62', eventId: 'evt-captured-7', eventType: 'payment.captured', status: 'failed', attempts: 1,
      lastStatusCode: null, lastDurationMs: 8, lastError: 'connect ECONNREFUSED 203.0.113.7:443',
      attemptLog: [{ at: '2026-11-29T12:01:00.000Z', statusCode: null, durationMs: 8, error: 'connect ECONNREFUSED 203.0.113.7:443' }],
    });
    deliveriesPage({ [`GET ${DELIVERIES}`]: () => json(200, { items: [failed, delivery()], nextCursor: null }) });

    expect(await screen.findByRole('heading', { level: 1, name: `Deliveries to ${ENDPOINT.url}` }, FIRST_PAINT)).toBeTruthy();
    const items = within(screen.getByRole('list', { name: 'Webhook deliveries' })).getAllByRole('listitem', { name: /\./ });
    expect(items.map((i) => within(i).getByRole('heading').textContent)).toEqual(['payment.captured', 'order.created']);

    const item = await deliveryItem();
    expect(item.textContent).toContain('evt-order-created-1042');
    expect(within(item).getByText('Delivered').className).toBe('badge badge-delivered');
    expect(within(item).getByTestId('delivery-attempts').textContent).toBe('3');
    expect(item.textContent).toContain('Last answerHTTP 200 · 41 ms');
    expect(item.textContent).toContain('Next try—');
    expect(within(items[0]!).getByText('Failed').className).toBe('badge badge-failed');
    expect(items[0]!.textContent).toContain('Last answerno answer · 8 ms');
    expect(items[0]!.textContent).toContain('Last errorconnect ECONNREFUSED 203.0.113.7:443');

    const summary = within(item).getByText('Show every attempt (3)');
    expect(summary.closest('details')!.open).toBe(false);
    await userEvent.setup().click(summary);
    expect(summary.closest('details')!.open).toBe(true);
    const attempts = within(item).getByRole('list', { name: 'Attempts to deliver order.created' }).querySelectorAll('li');
    expect([...attempts].map((a) => a.textContent!.replace(/^.*? · /, ''))).toEqual([
      'no answer · 10,000 ms · timed out after 10000 ms',
      // An error that only repeats the status is not said twice.
      'HTTP 500 · 12 ms',
      'HTTP 200 · 41 ms',
    ]);
    expect(attempts[0]!.querySelector('time')!.getAttribute('datetime')).toBe('2026-11-29T12:00:00.100Z');
  });

  it('while a delivery is pending, reads the page again every 2 seconds, and stops once none is', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const http = deliveriesPage({
      [`GET ${DELIVERIES}`]: [() => json(200, { items: [pending], nextCursor: null }), () => json(200, { items: [delivery()], nextCursor: null })],
    });
    const item = await deliveryItem();
    expect(within(item).getByText('Pending').className).toBe('badge badge-pending');
    expect(item.textContent).toContain('Last answerHTTP 500 · 12 ms');
    expect(item.textContent).not.toContain('Last error');
    expect(item.querySelector(`time[datetime="${pending.nextAttemptAt}"]`)?.closest('div')?.textContent).toMatch(/^Next try/);
    expect(screen.getByText('Some deliveries are still being tried: this page updates by itself.')).toBeTruthy();
    expect(http.to('GET', DELIVERIES)).toHaveLength(1);

    await act(() => vi.advanceTimersByTimeAsync(2_100));
    await waitFor(() => expect(within(item).getByText('Delivered')).toBeTruthy());
    expect(http.to('GET', DELIVERIES)).toHaveLength(2);
    expect(screen.queryByText('Some deliveries are still being tried: this page updates by itself.')).toBeNull();

    await act(() => vi.advanceTimersByTimeAsync(20_000));
    expect(http.to('GET', DELIVERIES)).toHaveLength(2);
  });

  it('sends a pending delivery now rather than at its next retry, and says so when an attempt of it is under way', async () => {
    const http = deliveriesPage({
      [`GET ${DELIVERIES}`]: () => json(200, { items: [pending], nextCursor: null }),
      [`POST ${DELIVERIES}/${pending.id}/replay`]: () => problem(409, 'WEBHOOK.DELIVERY_IN_FLIGHT', 'Being sent.'),
    });
    const item = await deliveryItem();
    await userEvent.setup().click(within(item).getByRole('button', { name: 'Send again' }));
    expect(await within(item).findByText('This delivery is being sent at this moment: try again once this attempt has ended.')).toBeTruthy();
    expect(http.to('POST', `${DELIVERIES}/${pending.id}/replay`)).toHaveLength(1);
  });

  it('sends a delivery again, says so, and shows it pending', async () => {
    const http = deliveriesPage({
      [`GET ${DELIVERIES}`]: [() => json(200, { items: [delivery()], nextCursor: null }), () => json(200, { items: [{ ...delivery(), status: 'pending', nextAttemptAt: '2026-11-29T13:00:00.000Z' }], nextCursor: null })],
      [`POST ${DELIVERIES}/${delivery().id}/replay`]: () => json(202, { id: delivery().id, status: 'pending' }),
    });
    const item = await deliveryItem();
    await userEvent.setup().click(within(item).getByRole('button', { name: 'Send again' }));

    expect(await within(item).findByText('Sent again, with the same webhook-id: its status and attempts below follow the new tries.')).toBeTruthy();
    expect(http.to('POST', `${DELIVERIES}/${delivery().id}/replay`)).toHaveLength(1);
    expect(await within(item).findByText('Pending')).toBeTruthy();
    expect(item.textContent).not.toContain('Next try—');
  });

  it('says so when the delivery cannot be sent again', async () => {
    deliveriesPage({
      [`GET ${DELIVERIES}`]: () => json(200, { items: [delivery()], nextCursor: null }),
      [`POST ${DELIVERIES}/${delivery().id}/replay`]: () => problem(404, 'WEBHOOK.DELIVERY_NOT_FOUND', 'No delivery.'),
    });
    const item = await deliveryItem();
    await userEvent.setup().click(within(item).getByRole('button', { name: 'Send again' }));
    expect((await within(item).findByRole('alert')).textContent).toBe('This delivery no longer exists.');
  });

  it('pages through older deliveries with the cursor', async () => {
    const older = delivery({ id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c63', eventType: 'order.shipped', eventId: 'evt-shipped-1' });
    const http = deliveriesPage({
      [`GET ${DELIVERIES}`]: (request) => json(200, cursorOf(request) === 'c1' ? { items: [older], nextCursor: null } : { items: [delivery()], nextCursor: 'c1' }),
    });
    await deliveryItem();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Next' }));
    expect(await deliveryItem('order.shipped')).toBeTruthy();
    expect(http.to('GET', DELIVERIES).map(cursorOf)).toEqual([null, 'c1']);
    expect(screen.getByText('Page 2')).toBeTruthy();
  });

  it('says so, in Portuguese, when the endpoint was removed', async () => {
    await changeLanguage('pt-BR');
    deliveriesPage({
      'GET /api/webhooks': () => json(200, { items: [] }),
      [`GET ${DELIVERIES}`]: () => problem(404, 'WEBHOOK.NOT_FOUND', `No webhook endpoint ${ENDPOINT.id}.`),
    });
    expect(await screen.findByText('Este endpoint de webhook não existe: pode ter sido removido.', {}, FIRST_PAINT)).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Entregas de webhook');
    expect(screen.getByRole('link', { name: 'Voltar aos webhooks' }).getAttribute('href')).toBe('/admin/webhooks');
  });
});
