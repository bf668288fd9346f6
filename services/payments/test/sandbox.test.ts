import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { InvalidWebhook, ProviderRefused, ProviderUnavailable, type AuthorizeRequest, type PaymentProvider } from '../src/provider/port';
import { createSandboxProvider } from '../src/provider/sandbox-provider';
import { signWebhook } from '../src/provider/webhook-signature';
import { createSandbox, type EventDeliveries, type SandboxAuthorization, type SandboxOptions } from '../src/sandbox/sandbox';

const API_KEY = 'sk_test_component';
const SECRET = 'whsec_component';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Newest first: the sandbox stops sending before its receiver goes away.
  for (const close of closers.splice(0).reverse()) await close();
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on a real socket; `answer` picks each delivery's status, or holds it unanswered. */
async function startReceiver(answer: (delivery: number) => number | 'hold' = () => 200) {
  const received: Received[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answer(received.length);
      if (status === 'hold') held.push(response);
      else response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const { port } = server.address() as AddressInfo;
  // Every event received, request after request: a request carries one or more.
  const events = () => received.flatMap((r) => (JSON.parse(r.body) as { events: { id: string; type: string; data: { reference: string } }[] }).events);
  return { url: `http://127.0.0.1:${port}/webhooks/sandbox`, received, events };
}

async function start(opts: { answer?: (delivery: number) => number | 'hold'; timeoutMs?: number; sandbox?: Partial<SandboxOptions> } = {}) {
  const receiver = await startReceiver(opts.answer);
  const sandbox = createSandbox({
    apiKey: API_KEY,
    webhookSecret: SECRET,
    webhookUrl: receiver.url,
    webhookRetryMs: [20, 20, 20],
    asyncDelayMs: 50,
    ...opts.sandbox,
  });
  const url = await sandbox.listen(0, '127.0.0.1');
  closers.push(() => sandbox.close());
  const provider = createSandboxProvider({ url, apiKey: API_KEY, webhookSecrets: [SECRET], timeoutMs: opts.timeoutMs ?? 3000 });
  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(new URL(path, url), { ...init, headers: { authorization: `Bearer ${API_KEY}`, ...init.headers } });
    return { status: response.status, body: (await response.json()) as T };
  };
  const authorizations = async () => (await api<{ items: SandboxAuthorization[] }>('/v1/authorizations')).body.items;
  const deliveries = async () => (await api<{ items: EventDeliveries[] }>('/v1/events')).body.items;
  return { sandbox, url, provider, receiver, api, authorizations, deliveries };
}

const request = (paymentMethod: string, overrides: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({
  key: `authorize-${randomUUID()}`,
  amount: 1000,
  currency: 'EUR',
  paymentMethod,
  orderId: `order-${randomUUID()}`,
  ...overrides,
});

const refusal = (code: string) => expect.objectContaining({ name: 'ProviderRefused', code });

async function authorized(provider: PaymentProvider, amount = 1000) {
  const authorization = await provider.authorize(request('pm_card_visa', { amount }));
  expect(authorization.status).toBe('authorized');
  return authorization.reference;
}

describe('sandbox test cards', () => {
  it.each([
    ['pm_card_visa', { status: 'authorized', brand: 'visa', last4: '4242', captured: 0, refunded: 0 }],
    ['pm_card_mastercard', { status: 'authorized', brand: 'mastercard', last4: '4444', captured: 0, refunded: 0 }],
    ['pm_card_chargeDeclined', { status: 'declined', code: 'card_declined', brand: 'visa', last4: '0002' }],
    ['pm_card_chargeDeclinedInsufficientFunds', { status: 'declined', code: 'insufficient_funds', brand: 'visa', last4: '9995' }],
    ['pm_card_sandbox_async', { status: 'pending', brand: 'visa', last4: '3155' }],
  ])('%s is answered %o, and get(key) says the same', async (paymentMethod, expected) => {
    const { provider } = await start({ sandbox: { asyncDelayMs: 60_000 } });
    const req = request(paymentMethod);
    const authorization = await provider.authorize(req);
    expect(authorization).toEqual({ ...expected, reference: expect.stringMatching(/^auth_/) });
    expect(await provider.get(req.key)).toEqual(authorization);
  });

  it('an unknown payment method is refused as invalid_payment_method', async () => {
    const { provider } = await start();
    await expect(provider.authorize(request('pm_card_amex'))).rejects.toEqual(refusal('invalid_payment_method'));
  });

  it('a key no authorization was made with is not found: get answers null', async () => {
    const { provider } = await start();
    expect(await provider.get('never-used')).toBeNull();
  });
});

describe('idempotency', () => {
  it('the same key twice makes one authorization and one event, and answers the first', async () => {
    const { provider, authorizations, receiver } = await start();
    const req = request('pm_card_visa');
    const first = await provider.authorize(req);
    const second = await provider.authorize(req);
    expect(second).toEqual(first);
    expect(await authorizations()).toHaveLength(1);
    await eventually(async () => receiver.received.length >= 1 || undefined, 5000, 'the authorization event');
    expect(receiver.events().filter((e) => e.type === 'authorization.succeeded')).toHaveLength(1);
  });

  it('the same key with another body is refused as idempotency_key_reused and makes nothing', async () => {
    const { provider, authorizations } = await start();
    const req = request('pm_card_visa');
    await provider.authorize(req);
    await expect(provider.authorize({ ...req, amount: 2000 })).rejects.toEqual(refusal('idempotency_key_reused'));
    expect(await authorizations()).toHaveLength(1);
  });

  it('a write without an Idempotency-Key is answered 400', async () => {
    const { api } = await start();
    const { status, body } = await api('/v1/authorizations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 1000, currency: 'EUR', paymentMethod: 'pm_card_visa', orderId: 'o1' }),
    });
    expect({ status, body }).toEqual({ status: 400, body: expect.objectContaining({ code: 'idempotency_key_required' }) });
  });

  it('the timeout card times out the first call, and the same key then answers authorized at once, with one authorization', async () => {
    const { provider, authorizations } = await start({ timeoutMs: 300, sandbox: { slowMs: 2000 } });
    const req = request('pm_card_sandbox_timeout');
    await expect(provider.authorize(req)).rejects.toBeInstanceOf(ProviderUnavailable);
    const retried = await provider.authorize(req);
    expect(retried).toMatchObject({ status: 'authorized', brand: 'visa', last4: '0077' });
    expect((await authorizations()).map((a) => a.id)).toEqual([retried.reference]);
  });
});

describe('webhooks', () => {
  it('the async card answers pending, then a signed authorization.succeeded arrives that parseWebhook accepts', async () => {
    const { provider, receiver } = await start();
    const req = request('pm_card_sandbox_async');
    const pending = await provider.authorize(req);
    expect(pending.status).toBe('pending');

    const delivery = await eventually(async () => receiver.received.find((r) => r.body.includes(pending.reference)), 5000, 'the webhook');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(provider.parseWebhook(delivery.headers, delivery.body)).toEqual([{
      id: expect.stringMatching(/^evt_/),
      type: 'authorization.succeeded',
      reference: pending.reference,
      key: req.key,
      orderId: req.orderId,
      brand: 'visa',
      last4: '3155',
    }]);
    expect(await provider.get(req.key)).toMatchObject({ status: 'authorized', reference: pending.reference });
  });

  it('parseWebhook refuses a changed body, a missing signature and a signed body of unknown shape, an empty list included', async () => {
    const { provider, receiver } = await start();
    await authorized(provider);
    const delivery = await eventually(async () => receiver.received[0], 5000, 'a webhook');
    expect(() => provider.parseWebhook(delivery.headers, delivery.body.replace('visa', 'amex'))).toThrow(InvalidWebhook);
    expect(() => provider.parseWebhook({ ...delivery.headers, 'sandbox-signature': undefined }, delivery.body)).toThrow(InvalidWebhook);
    const signed = (body: string) => ({ 'sandbox-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)) });
    const odd = JSON.stringify({ events: [{ id: 'evt_1', type: 'authorization.succeeded', data: { reference: 'auth_1' } }] });
    for (const body of [odd, JSON.stringify({ events: [] }), JSON.stringify({ id: 'evt_1', type: 'authorization.succeeded' })]) {
      expect(() => provider.parseWebhook(signed(body), body)).toThrow(/neither a known sandbox event nor a list of them/);
    }
    expect(() => provider.parseWebhook(signed('not json'), 'not json')).toThrow(InvalidWebhook);
    // One event alone, as the sandbox sent them before it sent several to a request, still reads.
    const [event] = (JSON.parse(delivery.body) as { events: { id: string }[] }).events;
    const alone = JSON.stringify(event);
    expect(provider.parseWebhook(signed(alone), alone).map((e) => e.id)).toEqual([event!.id]);
  });

  it('a receiver answering 500 twice then 200 gets the same event three times', async () => {
    const { provider, receiver, deliveries } = await start({ answer: (n) => (n <= 2 ? 500 : 200) });
    await authorized(provider);
    const [record] = await eventually(async () => {
      const items = await deliveries();
      return items[0]?.delivered ? items : undefined;
    }, 5000, 'delivery');
    expect(record!.attempts.map((a) => ('status' in a ? a.status : a.error))).toEqual([500, 500, 200]);
    expect(receiver.events().map((e) => e.id)).toEqual([record!.event.id, record!.event.id, record!.event.id]);
    for (const r of receiver.received) expect(provider.parseWebhook(r.headers, r.body).map((e) => e.id)).toEqual([record!.event.id]);
  });

  it('a receiver that never answers 2xx gets every retry, then the event is marked failed', async () => {
    const { provider, receiver, deliveries } = await start({ answer: () => 503 });
    await authorized(provider);
    const [record] = await eventually(async () => {
      const items = await deliveries();
      return items[0]?.failed ? items : undefined;
    }, 5000, 'a failed delivery');
    expect(record).toMatchObject({ delivered: false, failed: true });
    expect(record!.attempts).toHaveLength(4);
    expect(receiver.received).toHaveLength(4);
  });

  it('a refused connection is retried like a 5xx, to the URL set by then', async () => {
    const { provider, sandbox, receiver, deliveries } = await start({ sandbox: { webhookUrl: 'http://127.0.0.1:1/nowhere', webhookRetryMs: [300] } });
    await authorized(provider);
    await eventually(async () => ((await deliveries())[0]?.attempts.length === 1 || undefined), 5000, 'a failed attempt');
    sandbox.setWebhookUrl(receiver.url);
    const [record] = await eventually(async () => {
      const items = await deliveries();
      return items[0]?.delivered ? items : undefined;
    }, 5000, 'the retry delivered');
    expect(record!.attempts).toEqual([
      { at: expect.any(String), error: expect.stringMatching(/ECONNREFUSED/) },
      { at: expect.any(String), status: 200 },
    ]);
    expect(receiver.received).toHaveLength(1);
  });

  it('redeliver sends the same event again, `times` times or once, each copy signed', async () => {
    const { provider, receiver, deliveries, api } = await start();
    await authorized(provider);
    const [record] = await eventually(async () => {
      const items = await deliveries();
      return items[0]?.delivered ? items : undefined;
    }, 5000, 'first delivery');
    const { status } = await api(`/v1/events/${record!.event.id}/redeliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ times: 2 }),
    });
    expect(status).toBe(202);
    await eventually(async () => receiver.received.length >= 3 || undefined, 5000, 'three copies');
    expect((await api(`/v1/events/${record!.event.id}/redeliver`, { method: 'POST' })).status).toBe(202);
    await eventually(async () => receiver.received.length >= 4 || undefined, 5000, 'a fourth copy');
    expect(receiver.received.flatMap((r) => provider.parseWebhook(r.headers, r.body).map((e) => e.id))).toEqual(Array(4).fill(record!.event.id));
  });

  it('sends the events due together in one signed request, and each of them again alone when it is not answered 2xx', async () => {
    const { provider, receiver, deliveries } = await start({ answer: (n) => (n === 1 ? 500 : 200), sandbox: { webhookBatchMs: 200 } });
    const references = await Promise.all(Array.from({ length: 5 }, () => authorized(provider)));
    const records = await eventually(async () => {
      const items = await deliveries();
      return items.length === 5 && items.every((d) => d.delivered) ? items : undefined;
    }, 5000, 'five events delivered');
    const ids = records.map((d) => d.event.id).sort();
    const sent = receiver.received.map((r) => provider.parseWebhook(r.headers, r.body).map((e) => e.id));
    // Together first, refused; then each alone, so that one the receiver cannot take fails by itself.
    expect(sent[0]!.sort()).toEqual(ids);
    expect(sent.slice(1).map((request) => request.length)).toEqual([1, 1, 1, 1, 1]);
    expect(sent.slice(1).flat().sort()).toEqual(ids);
    for (const record of records) expect(record.attempts.map((a) => ('status' in a ? a.status : a.error))).toEqual([500, 200]);
    expect(records.map((d) => d.event.data.reference).sort()).toEqual(references.sort());
  });

  it('a receiver holding one delivery does not hold up the next event', async () => {
    const { provider, receiver } = await start({ answer: (n) => (n === 1 ? 'hold' : 200) });
    const first = await authorized(provider);
    await eventually(async () => receiver.received.length >= 1 || undefined, 5000, 'the held delivery');
    const second = await authorized(provider);
    // Well inside the 5 s a held delivery may take before it times out.
    await eventually(async () => receiver.events().find((e) => e.data.reference === second), 2000, 'the second event');
    expect(receiver.events()[0]!.data.reference).toBe(first);
  });
});

describe('capture, void and refund', () => {
  it('a capture takes up to the authorized amount once; its key repeated does nothing twice; another key is refused', async () => {
    const { provider, authorizations, deliveries } = await start();
    const reference = await authorized(provider, 1000);
    await expect(provider.capture({ key: 'cap-too-much', reference, amount: 1001 })).rejects.toEqual(refusal('amount_too_large'));
    const capture = await provider.capture({ key: 'cap-1', reference, amount: 800 });
    expect(await provider.capture({ key: 'cap-1', reference, amount: 800 })).toEqual(capture);
    await expect(provider.capture({ key: 'cap-1', reference, amount: 700 })).rejects.toEqual(refusal('idempotency_key_reused'));
    await expect(provider.capture({ key: 'cap-2', reference, amount: 800 })).rejects.toEqual(refusal('already_captured'));
    expect(await authorizations()).toMatchObject([{ status: 'captured', captured: 800, refunded: 0 }]);
    const captures = (await deliveries()).filter((d) => d.event.type === 'capture.succeeded');
    expect(captures.map((d) => d.event.data)).toEqual([expect.objectContaining({ reference, operation: capture.reference })]);
  });

  it('refunds never add up to more than was captured, and a repeated refund key refunds once', async () => {
    const { provider, authorizations } = await start();
    const reference = await authorized(provider, 1000);
    await expect(provider.refund({ key: 'ref-early', reference, amount: 100 })).rejects.toEqual(refusal('invalid_state'));
    await provider.capture({ key: 'cap', reference, amount: 900 });
    const first = await provider.refund({ key: 'ref-1', reference, amount: 600 });
    expect(await provider.refund({ key: 'ref-1', reference, amount: 600 })).toEqual(first);
    await expect(provider.refund({ key: 'ref-2', reference, amount: 301 })).rejects.toEqual(refusal('amount_too_large'));
    await provider.refund({ key: 'ref-3', reference, amount: 300 });
    await expect(provider.refund({ key: 'ref-4', reference, amount: 1 })).rejects.toEqual(refusal('amount_too_large'));
    const [held] = await authorizations();
    expect(held).toMatchObject({ status: 'captured', captured: 900, refunded: 900 });
    expect(held!.captured - held!.refunded).toBe(0);
  });

  it('a void lets an authorized hold go once; afterwards it cannot be voided again or captured', async () => {
    const { provider, authorizations } = await start();
    const reference = await authorized(provider);
    const voided = await provider.void({ key: 'void-1', reference });
    expect(await provider.void({ key: 'void-1', reference })).toEqual(voided);
    await expect(provider.void({ key: 'void-2', reference })).rejects.toEqual(refusal('already_voided'));
    await expect(provider.capture({ key: 'cap', reference, amount: 100 })).rejects.toEqual(refusal('already_voided'));
    expect(await authorizations()).toMatchObject([{ status: 'voided', captured: 0 }]);
  });

  it('declined, pending and captured authorizations cannot be voided or captured', async () => {
    const { provider } = await start({ sandbox: { asyncDelayMs: 60_000 } });
    const declined = await provider.authorize(request('pm_card_chargeDeclined'));
    await expect(provider.capture({ key: 'cap-declined', reference: declined.reference, amount: 100 })).rejects.toEqual(refusal('invalid_state'));
    const pending = await provider.authorize(request('pm_card_sandbox_async'));
    await expect(provider.void({ key: 'void-pending', reference: pending.reference })).rejects.toEqual(refusal('invalid_state'));
    const captured = await authorized(provider);
    await provider.capture({ key: 'cap-ok', reference: captured, amount: 1000 });
    await expect(provider.void({ key: 'void-captured', reference: captured })).rejects.toEqual(refusal('already_captured'));
  });

  it('an unknown authorization is refused as not_found', async () => {
    const { provider } = await start();
    await expect(provider.capture({ key: 'cap', reference: 'auth_missing', amount: 1 })).rejects.toEqual(refusal('not_found'));
  });
});

describe('when the provider cannot be used', () => {
  it('a wrong API key is refused as unauthorized', async () => {
    const { url } = await start();
    const provider = createSandboxProvider({ url, apiKey: 'sk_test_wrong', webhookSecrets: [SECRET] });
    await expect(provider.authorize(request('pm_card_visa'))).rejects.toEqual(refusal('unauthorized'));
    await expect(provider.get('any')).rejects.toBeInstanceOf(ProviderRefused);
  });

  it('a sandbox that is down makes every call ProviderUnavailable', async () => {
    const { provider, sandbox } = await start();
    await sandbox.close();
    await expect(provider.authorize(request('pm_card_visa'))).rejects.toBeInstanceOf(ProviderUnavailable);
    await expect(provider.get('any')).rejects.toBeInstanceOf(ProviderUnavailable);
  });
});

describe('sandbox memory', () => {
  it('remembers only the newest authorizations, so a long-running sandbox stays bounded', async () => {
    const { provider, authorizations } = await start({ sandbox: { remember: 2 } });
    const first = request('pm_card_visa');
    await provider.authorize(first);
    await provider.authorize(request('pm_card_visa'));
    await provider.authorize(request('pm_card_mastercard'));
    expect(await authorizations()).toHaveLength(2);
    expect(await provider.get(first.key)).toBeNull();
  });
});
