import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent, createOutbox, type CloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, ackCounter, createTestIssuer, eventProbe, eventually, openTestAdapters, storageOptions, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { buildPayments } from '../src/app';
import { paymentsConfigSpec } from '../src/config';
import { outbox as outboxTable } from '../src/db/schema';
import { createPaymentsService } from '../src/payments-service';
import type { PaymentProvider } from '../src/provider/port';
import { createSandboxProvider } from '../src/provider/sandbox-provider';
import { signWebhook } from '../src/provider/webhook-signature';
import { createSandbox } from '../src/sandbox/sandbox';

const API_KEY = 'sk_test_component';
const SECRET = 'whsec_component';

describe.each(SHAPES)('payments service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let admin: string;
  let sandbox: ReturnType<typeof createSandbox>;
  let sandboxUrl: string;
  let paymentsUrl: string;
  let app: Awaited<ReturnType<typeof buildPayments>>;
  let probe: Awaited<ReturnType<typeof eventProbe>>;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    sandbox = createSandbox({ apiKey: API_KEY, webhookSecret: SECRET, slowMs: 2_000, asyncDelayMs: 100, webhookRetryMs: [100, 200] });
    sandboxUrl = await sandbox.listen(0, '127.0.0.1');
    const config = loadConfig({
      OUTBOX_POLL_MS: '100', PAYMENT_PROVIDER_URL: sandboxUrl, PAYMENT_PROVIDER_API_KEY: API_KEY, PAYMENT_WEBHOOK_SECRET: SECRET,
      // The reconciler asks about an unanswered operation 3 s after it starts: long enough for a
      // test to send a webhook about it first, short enough for the reconciler's own test.
      PROVIDER_TIMEOUT_MS: '500', RECONCILE_AFTER_MS: '3000', RECONCILE_INTERVAL_MS: '100', ...issuer.env,
    }, paymentsConfigSpec);
    app = await buildPayments({ ...adapters, config });
    await app.start();
    paymentsUrl = await app.http.listen({ port: 0, host: '127.0.0.1' });
    sandbox.setWebhookUrl(`${paymentsUrl}/api/payments/webhooks/sandbox`);
    probe = await eventProbe(adapters.bus, [{ exchange: EXCHANGES.payments, routingKey: '#' }]);
  });
  afterAll(async () => {
    await probe?.cancel();
    await app?.stop();
    await sandbox?.close();
    await adapters?.close();
    await issuer?.close();
  });

  const inject = (method: 'GET' | 'POST', url: string, payload?: object, authorization = admin) =>
    app.http.inject({ method, url, payload, headers: { authorization } });
  const tell = async (exchange: string, event: CloudEvent) => {
    const acks = ackCounter(adapters.bus, event.id);
    await adapters.bus.publish(exchange, [event]);
    await acks.reached(1);
  };
  const fromOrders = (type: string, data: object) => cloudEvent({ source: SOURCES.orders, type, data });
  const fromInventory = (type: string, data: object) => cloudEvent({ source: SOURCES.inventory, type, data });

  const created = (orderId: string, paymentMethod: string, total = 9980, customerId = randomUUID()) => fromOrders('order.created', {
    orderId, number: 1, customerId, items: [{ sku: 'CAFE-1KG', quantity: 2, unitPrice: total / 2 }], total, currency: 'BRL', createdAt: new Date().toISOString(), paymentMethod,
  });
  const reserved = (orderId: string) => fromInventory('stock.reserved', { orderId, items: [{ sku: 'CAFE-1KG', quantity: 2 }] });
  const paymentEvent = (orderId: string, type: string) => probe.next((e) => e.type === type && (e.data as { orderId: string }).orderId === orderId);
  /** An order the saga has brought to an authorization with `card` (or to its refusal). */
  const authorizedOrder = async (card = 'pm_card_visa', total = 9980) => {
    const orderId = randomUUID();
    await tell(EXCHANGES.orders, created(orderId, card, total));
    await tell(EXCHANGES.inventory, reserved(orderId));
    return orderId;
  };
  /** An authorization.succeeded event as the sandbox writes it. */
  const succeeded = (data: { reference: string; key: string; orderId: string; last4: string }) => ({
    id: `evt_${randomUUID()}`, type: 'authorization.succeeded', created: Math.floor(Date.now() / 1000), data: { ...data, brand: 'visa' },
  });
  /** POSTs `events` as one signed webhook, as the sandbox sends them. */
  const sendWebhook = (events: object[]) => {
    const body = JSON.stringify({ events });
    return app.http.inject({
      method: 'POST', url: '/api/payments/webhooks/sandbox', payload: body,
      headers: { 'content-type': 'application/json', 'sandbox-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)) },
    });
  };
  const providerHolds = async (orderId: string) => (await providerAuthorizations()).filter((a) => a.orderId === orderId);
  const providerAuthorizations = async () => {
    const reply = await fetch(`${sandboxUrl}/v1/authorizations`, { headers: { authorization: `Bearer ${API_KEY}` } });
    return ((await reply.json()) as { items: { id: string; orderId: string; status: string; amount: number; captured: number; refunded: number }[] }).items;
  };
  const getPayment = async (orderId: string) => (await inject('GET', `/api/payments/${orderId}`)).json();

  it('has its outbox, payments and operations vacuumed after a fixed number of dead rows, not once a fifth of the table is dead', async () => {
    expect(await storageOptions(adapters.database, 'payments')).toEqual({ outbox: ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=5000'], payments: ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=10000'], operations: ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=10000'] });
  });

  it('authorizes once the order is known and its stock reserved, and tells the order', async () => {
    const orderId = await authorizedOrder('pm_card_visa');
    const event = await paymentEvent(orderId, 'payment.authorized');
    expect(event.data).toEqual({
      orderId, version: 1, payment: { status: 'authorized', amount: 9980, captured: 0, refunded: 0, brand: 'visa', last4: '4242' },
    });
    const payment = await getPayment(orderId);
    expect(payment).toMatchObject({ orderId, status: 'authorized', amount: 9980, currency: 'BRL', brand: 'visa', last4: '4242' });
    expect(payment.ledger).toEqual([expect.objectContaining({ kind: 'authorization', amount: 9980, actor: null, providerReference: expect.any(String) })]);
    expect(await providerHolds(orderId)).toEqual([expect.objectContaining({ status: 'authorized', amount: 9980 })]);
  });

  it('authorizes once when the stock answer overtakes the order, and once however often either fact arrives', async () => {
    const orderId = randomUUID();
    const stock = reserved(orderId);
    const order = created(orderId, 'pm_card_mastercard');
    await tell(EXCHANGES.inventory, stock);
    expect((await inject('GET', `/api/payments/${orderId}`)).statusCode, 'nothing asked of the provider before the order is known').toBe(404);
    await tell(EXCHANGES.orders, order);
    await paymentEvent(orderId, 'payment.authorized');
    await tell(EXCHANGES.orders, order);
    await tell(EXCHANGES.inventory, stock);
    expect(await providerHolds(orderId)).toHaveLength(1);
    expect((await getPayment(orderId)).ledger.map((l: { kind: string }) => l.kind)).toEqual(['authorization']);
  });

  it('declines with the card\'s reason and asks nothing more', async () => {
    const orderId = await authorizedOrder('pm_card_chargeDeclinedInsufficientFunds');
    const event = await paymentEvent(orderId, 'payment.declined');
    expect(event.data).toMatchObject({ orderId, code: 'insufficient_funds', payment: { status: 'declined', captured: 0 } });
    const payment = await getPayment(orderId);
    expect(payment.ledger).toEqual([expect.objectContaining({ kind: 'decline', amount: 0, reason: 'insufficient_funds' })]);
  });

  it('fails a payment method the provider does not take, and says so to the order', async () => {
    const orderId = await authorizedOrder('pm_card_nonexistent');
    expect((await paymentEvent(orderId, 'payment.declined')).data).toMatchObject({ code: 'invalid_payment_method', payment: { status: 'failed' } });
  });

  it('never touches the card of an order out of stock or cancelled before its stock was reserved', async () => {
    const outOfStock = randomUUID();
    await tell(EXCHANGES.orders, created(outOfStock, 'pm_card_visa'));
    await tell(EXCHANGES.inventory, fromInventory('stock.rejected', { orderId: outOfStock, reason: 'out_of_stock', shortages: [] }));
    const cancelledFirst = randomUUID();
    await tell(EXCHANGES.orders, created(cancelledFirst, 'pm_card_visa'));
    await tell(EXCHANGES.orders, fromOrders('order.cancelled', { orderId: cancelledFirst, reason: null, previousStatus: 'pending' }));
    await tell(EXCHANGES.inventory, reserved(cancelledFirst));
    expect(await providerHolds(outOfStock)).toEqual([]);
    expect(await providerHolds(cancelledFirst)).toEqual([]);
    expect((await inject('GET', `/api/payments/${cancelledFirst}`)).statusCode).toBe(404);
  });

  it('voids the authorization of an order cancelled before shipping', async () => {
    const orderId = await authorizedOrder();
    await paymentEvent(orderId, 'payment.authorized');
    await tell(EXCHANGES.orders, fromOrders('order.cancelled', { orderId, reason: null, previousStatus: 'confirmed' }));
    expect((await paymentEvent(orderId, 'payment.voided')).data).toMatchObject({ version: 2, payment: { status: 'voided', captured: 0 } });
    expect(await providerHolds(orderId)).toEqual([expect.objectContaining({ status: 'voided', captured: 0 })]);
  });

  it('voids at once an authorization that answers after the order was cancelled', async () => {
    const orderId = await authorizedOrder('pm_card_sandbox_async');
    await tell(EXCHANGES.orders, fromOrders('order.cancelled', { orderId, reason: null, previousStatus: 'pending' }));
    await paymentEvent(orderId, 'payment.voided');
    expect((await getPayment(orderId)).ledger.map((l: { kind: string }) => l.kind)).toEqual(['authorization', 'void']);
  });

  it('captures when the order ships, then refunds in parts up to the capture and never more', async () => {
    const orderId = await authorizedOrder('pm_card_visa', 10_000);
    await paymentEvent(orderId, 'payment.authorized');
    await tell(EXCHANGES.orders, fromOrders('order.shipped', { orderId }));
    expect((await paymentEvent(orderId, 'payment.captured')).data).toMatchObject({ amount: 10_000, payment: { status: 'captured', captured: 10_000 } });

    const first = await inject('POST', `/api/payments/${orderId}/refunds`, { amount: 3_000, reason: 'damaged box' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: 'partially_refunded', captured: 10_000, refunded: 3_000 });
    const tooMuch = await inject('POST', `/api/payments/${orderId}/refunds`, { amount: 7_001, reason: 'too much' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ code: 'PAYMENT.REFUND_EXCEEDS_CAPTURED', errors: [{ path: '/amount' }] });
    const rest = await inject('POST', `/api/payments/${orderId}/refunds`, { amount: 7_000, reason: 'returned' });
    expect(rest.json()).toMatchObject({ status: 'refunded', refunded: 10_000 });
    const oneMore = await inject('POST', `/api/payments/${orderId}/refunds`, { amount: 1, reason: 'one more' });
    expect(oneMore.json()).toMatchObject({ status: 409, code: 'PAYMENT.REFUND_EXCEEDS_CAPTURED' });

    const payment = await getPayment(orderId);
    expect(payment.ledger.map((l: { kind: string; amount: number; reason: string | null }) => [l.kind, l.amount, l.reason])).toEqual([
      ['authorization', 10_000, null], ['capture', 10_000, null], ['refund', 3_000, 'damaged box'], ['refund', 7_000, 'returned'],
    ]);
    expect(await providerHolds(orderId)).toEqual([expect.objectContaining({ captured: 10_000, refunded: 10_000 })]);
    // The events leave through the outbox after the answers: wait for the last before counting them.
    const refundOf = (e: CloudEvent) => e.type === 'payment.refunded' && (e.data as { orderId: string }).orderId === orderId;
    await probe.next((e) => refundOf(e) && (e.data as { version: number }).version === 4);
    expect(probe.seen.filter(refundOf).map((e) => (e.data as { version: number }).version)).toEqual([3, 4]);
  });

  it('refunds concurrently never past the capture', async () => {
    const orderId = await authorizedOrder('pm_card_visa', 1_000);
    await paymentEvent(orderId, 'payment.authorized');
    await tell(EXCHANGES.orders, fromOrders('order.shipped', { orderId }));
    await paymentEvent(orderId, 'payment.captured');
    const replies = await Promise.all(Array.from({ length: 5 }, () => inject('POST', `/api/payments/${orderId}/refunds`, { amount: 400, reason: 'race' })));
    expect(replies.map((r) => r.statusCode).sort()).toEqual([201, 201, 409, 409, 409]);
    expect((await getPayment(orderId)).refunded).toBe(800);
    expect((await providerHolds(orderId))[0]).toMatchObject({ refunded: 800 });
  });

  it('settles an authorization whose answer timed out by asking the provider again, and holds the money once', async () => {
    const orderId = await authorizedOrder('pm_card_sandbox_timeout');
    await paymentEvent(orderId, 'payment.authorized');
    expect(await providerHolds(orderId)).toHaveLength(1);
    expect((await getPayment(orderId)).ledger).toHaveLength(1);
  });

  it('is done with the facts once they are recorded: the provider is asked after the messages are acknowledged', async () => {
    // This card's answer is held for seconds; its webhook follows in a fraction of one.
    const orderId = randomUUID();
    await tell(EXCHANGES.orders, created(orderId, 'pm_card_sandbox_timeout'));
    await tell(EXCHANGES.inventory, reserved(orderId));
    expect((await getPayment(orderId)).status).toBe('authorizing');
    await paymentEvent(orderId, 'payment.authorized');
  });

  it('settles by asking the provider when neither the call\'s answer nor a webhook arrives', async () => {
    // No webhook reaches the service meanwhile: only the reconciler can learn the outcome.
    sandbox.setWebhookUrl('http://127.0.0.1:9/unreachable');
    try {
      const orderId = await authorizedOrder('pm_card_sandbox_timeout');
      expect((await paymentEvent(orderId, 'payment.authorized')).data).toMatchObject({ payment: { status: 'authorized' } });
      expect(await providerHolds(orderId)).toHaveLength(1);
    } finally {
      sandbox.setWebhookUrl(`${paymentsUrl}/api/payments/webhooks/sandbox`);
    }
  });

  it('applies an outcome that arrives only by webhook, once however often the webhook is delivered', async () => {
    const orderId = await authorizedOrder('pm_card_sandbox_async');
    await paymentEvent(orderId, 'payment.authorized');
    const events = (await (await fetch(`${sandboxUrl}/v1/events`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
      items: { event: { id: string; type: string; data: { orderId: string } } }[];
    };
    const hook = events.items.find((e) => e.event.type === 'authorization.succeeded' && e.event.data.orderId === orderId)!;
    const redelivered = await fetch(`${sandboxUrl}/v1/events/${hook.event.id}/redeliver`, {
      method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ times: 3 }),
    });
    expect(redelivered.status).toBe(202);
    await eventually(async () => {
      const items = ((await (await fetch(`${sandboxUrl}/v1/events`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as typeof events).items;
      const attempts = (items.find((e) => e.event.id === hook.event.id) as unknown as { attempts: unknown[] }).attempts;
      return attempts.length >= 4 ? true : undefined;
    }, 5_000, 'the redeliveries');
    expect((await getPayment(orderId)).ledger.map((l: { kind: string }) => l.kind)).toEqual(['authorization']);
    expect(probe.seen.filter((e) => e.type === 'payment.authorized' && (e.data as { orderId: string }).orderId === orderId)).toHaveLength(1);
  });

  it('applies no webhook to an order other than the one its authorization was made for', async () => {
    sandbox.setWebhookUrl('http://127.0.0.1:9/unreachable');
    try {
      const other = await authorizedOrder();
      await paymentEvent(other, 'payment.authorized');
      // Its answer is held for seconds: the authorization stays pending meanwhile.
      const orderId = await authorizedOrder('pm_card_sandbox_timeout');
      const hook = succeeded({ reference: 'auth_elsewhere', key: `${orderId}:authorize`, orderId: other, last4: '0000' });
      expect((await sendWebhook([hook])).json()).toEqual({ received: true, outcomes: [{ id: hook.id, outcome: 'ignored' }] });
      // The provider's own answer settles it, once.
      expect((await paymentEvent(orderId, 'payment.authorized')).data).toMatchObject({ payment: { status: 'authorized' } });
      expect(await getPayment(orderId)).toMatchObject({ brand: 'visa', last4: '0077' });
    } finally {
      sandbox.setWebhookUrl(`${paymentsUrl}/api/payments/webhooks/sandbox`);
    }
  });

  it('applies each event of a webhook carrying several, once, and answers what each did', async () => {
    sandbox.setWebhookUrl('http://127.0.0.1:9/unreachable');
    try {
      // Its answer is held for seconds: the authorization stays pending meanwhile.
      const orderId = await authorizedOrder('pm_card_sandbox_timeout');
      const key = `${orderId}:authorize`;
      // The service calls the provider after its commit: the hold is there moments later.
      const reference = await eventually(async () => (await providerHolds(orderId))[0]?.id, 5_000, 'the hold at the provider');
      const hook = succeeded({ reference, key, orderId, last4: '0077' });
      const elsewhere = succeeded({ reference: 'auth_unknown', key: `${randomUUID()}:authorize`, orderId: randomUUID(), last4: '4242' });
      const reply = await sendWebhook([hook, elsewhere, hook]);
      expect(reply.statusCode).toBe(200);
      expect(reply.json()).toEqual({
        received: true,
        outcomes: [{ id: hook.id, outcome: 'applied' }, { id: elsewhere.id, outcome: 'ignored' }, { id: hook.id, outcome: 'ignored' }],
      });
      expect((await paymentEvent(orderId, 'payment.authorized')).data).toMatchObject({ payment: { status: 'authorized' } });
      expect((await getPayment(orderId)).ledger.map((l: { kind: string }) => l.kind)).toEqual(['authorization']);
    } finally {
      sandbox.setWebhookUrl(`${paymentsUrl}/api/payments/webhooks/sandbox`);
    }
  });

  it('refuses a webhook with a bad or old signature and applies nothing', async () => {
    const event = succeeded({ reference: 'auth_x', key: 'k', orderId: randomUUID(), last4: '4242' });
    const body = JSON.stringify({ events: [event] });
    const send = (signature: string) => app.http.inject({ method: 'POST', url: '/api/payments/webhooks/sandbox', payload: body, headers: { 'content-type': 'application/json', 'sandbox-signature': signature } });
    expect((await send(signWebhook('not-the-secret', body, Math.floor(Date.now() / 1000)))).statusCode).toBe(401);
    expect((await send(signWebhook(SECRET, body, Math.floor(Date.now() / 1000) - 3_600))).statusCode).toBe(401);
    expect((await send('')).statusCode).toBe(401);
    const good = await send(signWebhook(SECRET, body, Math.floor(Date.now() / 1000)));
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ received: true, outcomes: [{ id: event.id, outcome: 'ignored' }] });
    // Signed, but about an order id no order here can have.
    const odd = body.replace(/"orderId":"[^"]+"/, '"orderId":"order-7"');
    const oddReply = await app.http.inject({
      method: 'POST', url: '/api/payments/webhooks/sandbox', payload: odd,
      headers: { 'content-type': 'application/json', 'sandbox-signature': signWebhook(SECRET, odd, Math.floor(Date.now() / 1000)) },
    });
    expect(oddReply.json()).toEqual({ received: true, outcomes: [{ id: event.id, outcome: 'ignored' }] });
    const unknownProvider = await app.http.inject({ method: 'POST', url: '/api/payments/webhooks/stripe', payload: body, headers: { 'content-type': 'application/json' } });
    expect(unknownProvider.statusCode).toBe(404);
  });

  it('shows a payment to its customer and admins only, and lets only admins refund', async () => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    await tell(EXCHANGES.orders, created(orderId, 'pm_card_visa', 9980, customerId));
    await tell(EXCHANGES.inventory, reserved(orderId));
    await paymentEvent(orderId, 'payment.authorized');
    const owner = await issuer.bearer({ sub: customerId, role: 'customer' });
    const stranger = await issuer.bearer({ role: 'customer' });
    expect((await inject('GET', `/api/payments/${orderId}`, undefined, owner)).statusCode).toBe(200);
    expect((await inject('GET', `/api/payments/${orderId}`, undefined, stranger)).statusCode).toBe(404);
    expect((await inject('POST', `/api/payments/${orderId}/refunds`, { amount: 1, reason: 'x' }, owner)).statusCode).toBe(403);
    expect((await app.http.inject({ method: 'GET', url: `/api/payments/${orderId}` })).statusCode).toBe(401);
    const notCaptured = await inject('POST', `/api/payments/${orderId}/refunds`, { amount: 1, reason: 'x' });
    expect(notCaptured.json()).toMatchObject({ status: 409, code: 'PAYMENT.NOT_CAPTURED' });
    const bad = await inject('POST', `/api/payments/${orderId}/refunds`, { amount: 0, reason: '' });
    expect(bad.statusCode).toBe(400);
  });
  it('records provider answers that arrive together in one transaction, each once and with its own event', async () => {
    // A provider whose answers to a burst all come back at the same moment, as they do under load.
    const burst = 12;
    const provider = createSandboxProvider({ url: sandboxUrl, apiKey: API_KEY, webhookSecrets: [SECRET], timeoutMs: 5_000 });
    let arrived = 0;
    let allArrived!: () => void;
    const together = new Promise<void>((resolve) => (allArrived = resolve));
    const gated: PaymentProvider = {
      ...provider,
      async authorize(request) {
        const answer = await provider.authorize(request);
        if (++arrived === burst) allArrived();
        await together;
        return answer;
      },
    };
    const perTransaction: number[] = [];
    const log = { warn: vi.fn(), error: vi.fn() };
    const service = createPaymentsService({
      db: adapters.database.db, outbox: createOutbox({ db: adapters.database.db, table: outboxTable, bus: adapters.bus }), provider: gated, log,
      reconcileAfterMs: 60_000, onAnswersRecorded: (answers) => perTransaction.push(answers),
    });
    const orderIds = Array.from({ length: burst }, () => randomUUID());
    await service.onOrderFacts('payments.burst', orderIds.flatMap((orderId) => [created(orderId, 'pm_card_visa'), reserved(orderId)]));
    await service.drain();

    expect(perTransaction).toEqual([burst]);
    expect(log.error).not.toHaveBeenCalled();
    for (const orderId of orderIds) {
      expect((await getPayment(orderId)).ledger.map((l: { kind: string }) => l.kind)).toEqual(['authorization']);
      expect((await paymentEvent(orderId, 'payment.authorized')).data).toMatchObject({ orderId, version: 1, payment: { status: 'authorized' } });
    }
  });
});
