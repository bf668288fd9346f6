/**
 * A simulated card provider, shaped like Stripe's: idempotency keys on every write, holds that are
 * captured, voided or refunded, and signed webhooks delivered at least once, several events to a
 * request as Adyen sends them (`{ "events": [...] }`). It is a simulator:
 * all state lives in memory and is gone when the process ends. The test cards (cards.ts) choose
 * the outcome, including a slow answer and one told only by webhook.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Logger } from '@pedidos/platform/logger';
import { SIGNATURE_HEADER, signWebhook } from '../provider/webhook-signature';
import { findTestCard, TEST_CARDS } from './cards';
import { LRUCache } from 'lru-cache';
import { Agent, request } from 'undici';

export interface SandboxOptions {
  /** Where webhooks are POSTed; unset, events are kept (`GET /v1/events`) but not sent. */
  webhookUrl?: string;
  webhookSecret: string;
  apiKey: string;
  /** How long `pm_card_sandbox_timeout` holds its first answer: longer than any client's timeout. */
  slowMs?: number;
  /** How long `pm_card_sandbox_async` stays pending. */
  asyncDelayMs?: number;
  /** How long after the change its webhook is first sent (real providers send events after the API's answer). */
  webhookDelayMs?: number;
  /** How long an event due to be sent waits for others to go in the same request; 50 ms by default. */
  webhookBatchMs?: number;
  /** How many authorizations, idempotency keys and events it remembers, the newest first; 20,000 by default. */
  remember?: number;
  /** The waits before each retry of a webhook not answered 2xx; when spent, the delivery is marked failed. */
  webhookRetryMs?: number[];
  log?: Logger;
}

export type AuthorizationStatus = 'pending' | 'authorized' | 'declined' | 'captured' | 'voided';

export interface SandboxAuthorization {
  id: string;
  /** The idempotency key it was made with. */
  key: string;
  orderId: string;
  status: AuthorizationStatus;
  amount: number;
  currency: string;
  captured: number;
  refunded: number;
  brand: string;
  last4: string;
  /** Why it was declined; null otherwise. */
  code: string | null;
  createdAt: string;
}

export interface SandboxOperation {
  id: string;
  type: 'capture' | 'void' | 'refund';
  amount: number;
}

export type SandboxEventType = 'authorization.succeeded' | 'authorization.declined' | 'capture.succeeded' | 'void.succeeded' | 'refund.succeeded';

export interface SandboxEvent {
  id: string;
  type: SandboxEventType;
  /** Unix seconds. */
  created: number;
  data: { reference: string; key: string; orderId: string } & Record<string, unknown>;
}

export type DeliveryAttempt = { at: string; status: number } | { at: string; error: string };

export interface EventDeliveries {
  event: SandboxEvent;
  attempts: DeliveryAttempt[];
  delivered: boolean;
  /** Every retry was spent without a 2xx. */
  failed: boolean;
}

/** An event as kept for sending: its JSON, serialized once. */
type Delivery = EventDeliveries & { body: string };

const DELIVERY_TIMEOUT_MS = 5000;

/** The most events one webhook request carries. */
const WEBHOOK_BATCH_MAX = 100;

/** An answer with a stable `code`, as the provider's clients see it. */
class SandboxError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
  }
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const AmountBody = Type.Object({ amount: Type.Integer({ minimum: 1, maximum: 99_999_999 }) });
const AuthorizeBody = Type.Object({
  amount: Type.Integer({ minimum: 1, maximum: 99_999_999 }),
  currency: Type.String({ pattern: '^[A-Za-z]{3}$' }),
  paymentMethod: Type.String({ minLength: 1, maxLength: 200 }),
  orderId: Type.String({ minLength: 1, maxLength: 200 }),
});
const RedeliverBody = Type.Object({ times: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })) });

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const nowS = () => Math.floor(Date.now() / 1000);
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const isAuthorization = (result: SandboxAuthorization | SandboxOperation): result is SandboxAuthorization => 'status' in result;

export function createSandbox(opts: SandboxOptions) {
  const {
    webhookSecret, slowMs = 15_000, asyncDelayMs = 300, webhookDelayMs = 200, webhookBatchMs = 50, webhookRetryMs = [200, 1000, 5000, 15_000],
  } = opts;
  let webhookUrl = opts.webhookUrl;

  // Bounded (lru-cache): `npm start` may run for days, and a simulator need not remember it all.
  const remembered = <V extends object>() => new LRUCache<string, V>({ max: opts.remember ?? 20_000 });
  const authorizations = remembered<SandboxAuthorization>();
  /** One namespace for every key, as at Stripe: the fingerprint names the endpoint and the body. */
  const requests = remembered<{ fingerprint: string; result: SandboxAuthorization | SandboxOperation }>();
  const deliveries = remembered<Delivery>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  const closing = new AbortController();
  let closed: Promise<void> | undefined;
  // undici's client rather than fetch, for the CPU: webhooks are most of the sandbox's work.
  const senders = new Agent({ headersTimeout: DELIVERY_TIMEOUT_MS, bodyTimeout: DELIVERY_TIMEOUT_MS });

  const app = Fastify({
    ...(opts.log ? { loggerInstance: opts.log } : {}),
    bodyLimit: 16 * 1024,
    // Closing cuts every connection, a held answer's too: a simulator owes no one a graceful drain.
    forceCloseConnections: true,
    // "100" is not an amount: clients must send the types they mean.
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const log = app.log;

  // Hashed first: timingSafeEqual needs equal lengths, and the key's length is no one's business either.
  const expectedAuthorization = sha256(`Bearer ${opts.apiKey}`);
  // Health answers anyone, as the services' own do: orchestrators probe without keys.
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async () => ({ status: 'ok' }));
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/health/')) return;
    const given = request.headers.authorization;
    if (given === undefined || !timingSafeEqual(sha256(given), expectedAuthorization)) {
      throw new SandboxError(401, 'unauthorized', 'Send the API key as "Authorization: Bearer <key>".');
    }
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url}` });
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof SandboxError) return reply.code(error.statusCode).send({ code: error.code, message: error.message });
    // Fastify's own 4xx (schema validation, malformed JSON, body too large) carry their status.
    const status = error instanceof Error && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 500) return reply.code(status).send({ code: 'invalid_request', message: (error as Error).message });
    request.log.error({ err: error }, 'sandbox request failed');
    return reply.code(500).send({ code: 'internal_error', message: 'The sandbox failed; see its log.' });
  });

  function later(ms: number, run: () => void): void {
    if (closing.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  }

  function track(work: Promise<unknown>): void {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  // --- webhooks ---

  /** Sends `batch` in one request; every event in it records the attempt, and is delivered when it is answered 2xx. */
  async function send(batch: Delivery[], url: string): Promise<boolean> {
    const at = new Date().toISOString();
    // Each event was serialized once, when it happened: every attempt signs and sends the same bytes.
    const body = `{"events":[${batch.map((delivery) => delivery.body).join(',')}]}`;
    let attempt: DeliveryAttempt;
    try {
      const response = await request(url, {
        dispatcher: senders,
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(webhookSecret, body, nowS()) },
        body,
        signal: closing.signal,
      });
      await response.body.dump();
      attempt = { at, status: response.statusCode };
    } catch (error) {
      attempt = { at, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
    const ok = 'status' in attempt && attempt.status >= 200 && attempt.status <= 299;
    for (const delivery of batch) {
      delivery.attempts.push(attempt);
      if (ok) Object.assign(delivery, { delivered: true, failed: false });
    }
    return ok;
  }

  /** Events due to be sent, each with the number of its next retry; sent together after `webhookBatchMs`. */
  let due: { delivery: Delivery; retry: number }[] = [];

  function queue(delivery: Delivery, retry: number): void {
    if (due.push({ delivery, retry }) === 1) later(webhookBatchMs, flush);
  }

  /**
   * At least once: a request not answered 2xx is sent again, each of its events after the next
   * retry's wait, and then alone, so that an event the receiver cannot take fails by itself
   * instead of taking new events with it. Requests run side by side, so a slow answer holds up
   * no other. Each attempt goes to the URL set at that moment.
   */
  function flush(): void {
    const url = webhookUrl;
    const sending = due;
    due = [];
    if (!url) return;
    const fresh = sending.filter(({ retry }) => retry === 0);
    const batches = sending.filter(({ retry }) => retry > 0).map((retried) => [retried]);
    for (let i = 0; i < fresh.length; i += WEBHOOK_BATCH_MAX) batches.push(fresh.slice(i, i + WEBHOOK_BATCH_MAX));
    for (const batch of batches) {
      track(send(batch.map(({ delivery }) => delivery), url).then((ok) => {
        if (ok || closing.signal.aborted) return;
        for (const { delivery, retry } of batch) {
          const delay = webhookRetryMs[retry];
          if (delay === undefined) {
            delivery.failed = true;
            log.warn({ event: delivery.event.id, type: delivery.event.type, attempts: delivery.attempts.length }, 'webhook delivery failed; retries spent');
          } else {
            later(delay, () => queue(delivery, retry + 1));
          }
        }
      }));
    }
  }

  function emit(type: SandboxEventType, authorization: SandboxAuthorization, details: Record<string, unknown>): void {
    const event: SandboxEvent = {
      id: newId('evt'),
      type,
      created: nowS(),
      data: { reference: authorization.id, key: authorization.key, orderId: authorization.orderId, ...details },
    };
    const delivery = { event, attempts: [], delivered: false, failed: false, body: JSON.stringify(event) };
    deliveries.set(event.id, delivery);
    // As at a real provider, the event follows the API's answer rather than racing it.
    later(webhookDelayMs, () => queue(delivery, 0));
  }

  // --- authorizations and operations ---

  function idempotencyKey(request: FastifyRequest): string {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '' || key.length > 255) {
      throw new SandboxError(400, 'idempotency_key_required', 'Send an Idempotency-Key header of 1 to 255 characters.');
    }
    return key;
  }

  /** The first request with `key` runs `run`; a later one with the same fingerprint gets its result, another is refused. */
  function idempotent<T extends SandboxAuthorization | SandboxOperation>(key: string, fingerprint: string, run: () => T): { result: T; first: boolean } {
    const seen = requests.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        throw new SandboxError(409, 'idempotency_key_reused', `Idempotency key ${key} was used for a different request.`);
      }
      // Same fingerprint, same endpoint: the stored result is a T.
      return { result: seen.result as T, first: false };
    }
    // A refused request (it throws) is not remembered: the same key may try again once the state allows.
    const result = run();
    requests.set(key, { fingerprint, result });
    return { result, first: true };
  }

  function findAuthorization(id: string): SandboxAuthorization {
    const authorization = authorizations.get(id);
    if (!authorization) throw new SandboxError(404, 'not_found', `No authorization ${id}.`);
    return authorization;
  }

  function requireStatus(authorization: SandboxAuthorization, wanted: 'authorized' | 'captured', action: string): void {
    const { status } = authorization;
    if (status === wanted) return;
    const code = status === 'captured' ? 'already_captured' : status === 'voided' ? 'already_voided' : 'invalid_state';
    throw new SandboxError(409, code, `Cannot ${action} authorization ${authorization.id}: it is ${status}, not ${wanted}.`);
  }

  function announce(authorization: SandboxAuthorization): void {
    const { brand, last4, code } = authorization;
    if (authorization.status === 'declined') emit('authorization.declined', authorization, { code, brand, last4 });
    else emit('authorization.succeeded', authorization, { brand, last4 });
  }

  function authorize(key: string, body: Static<typeof AuthorizeBody>): SandboxAuthorization {
    const card = findTestCard(body.paymentMethod);
    if (!card) {
      const known = TEST_CARDS.map((c) => c.paymentMethod).join(', ');
      throw new SandboxError(400, 'invalid_payment_method', `No such payment method ${JSON.stringify(body.paymentMethod)}; the sandbox takes ${known}.`);
    }
    const { behaviour } = card;
    const authorization: SandboxAuthorization = {
      id: newId('auth'),
      key,
      orderId: body.orderId,
      status: behaviour.kind === 'declined' ? 'declined' : behaviour.kind === 'async' ? 'pending' : 'authorized',
      amount: body.amount,
      currency: body.currency,
      captured: 0,
      refunded: 0,
      brand: card.brand,
      last4: card.last4,
      code: behaviour.kind === 'declined' ? behaviour.code : null,
      createdAt: new Date().toISOString(),
    };
    authorizations.set(authorization.id, authorization);
    if (authorization.status !== 'pending') announce(authorization);
    else {
      later(asyncDelayMs, () => {
        authorization.status = 'authorized';
        announce(authorization);
      });
    }
    return authorization;
  }

  function operation(type: SandboxOperation['type'], amount: number): SandboxOperation {
    return { id: newId('op'), type, amount };
  }

  app.post('/v1/authorizations', { schema: { body: AuthorizeBody } }, async (request) => {
    const key = idempotencyKey(request);
    const { body } = request;
    const fingerprint = JSON.stringify(['authorize', body.amount, body.currency, body.paymentMethod, body.orderId]);
    const { result, first } = idempotent(key, fingerprint, () => authorize(key, body));
    if (first && findTestCard(body.paymentMethod)?.behaviour.kind === 'slow') {
      // Recorded already; only the answer is late. Closing cuts the wait short.
      await sleep(slowMs, undefined, { signal: closing.signal }).catch(() => undefined);
    }
    return result;
  });

  app.post('/v1/authorizations/:id/capture', { schema: { params: IdParams, body: AmountBody } }, async (request) => {
    const key = idempotencyKey(request);
    const authorization = findAuthorization(request.params.id);
    const { amount } = request.body;
    return idempotent(key, JSON.stringify(['capture', authorization.id, amount]), () => {
      requireStatus(authorization, 'authorized', 'capture');
      if (amount > authorization.amount) {
        throw new SandboxError(409, 'amount_too_large', `Cannot capture ${amount}: only ${authorization.amount} is authorized.`);
      }
      authorization.status = 'captured';
      authorization.captured = amount;
      const op = operation('capture', amount);
      emit('capture.succeeded', authorization, { operation: op.id });
      return op;
    }).result;
  });

  app.post('/v1/authorizations/:id/void', { schema: { params: IdParams } }, async (request) => {
    const key = idempotencyKey(request);
    const authorization = findAuthorization(request.params.id);
    return idempotent(key, JSON.stringify(['void', authorization.id]), () => {
      requireStatus(authorization, 'authorized', 'void');
      authorization.status = 'voided';
      const op = operation('void', authorization.amount);
      emit('void.succeeded', authorization, { operation: op.id });
      return op;
    }).result;
  });

  app.post('/v1/authorizations/:id/refunds', { schema: { params: IdParams, body: AmountBody } }, async (request) => {
    const key = idempotencyKey(request);
    const authorization = findAuthorization(request.params.id);
    const { amount } = request.body;
    return idempotent(key, JSON.stringify(['refund', authorization.id, amount]), () => {
      requireStatus(authorization, 'captured', 'refund');
      const left = authorization.captured - authorization.refunded;
      if (amount > left) {
        throw new SandboxError(409, 'amount_too_large', `Cannot refund ${amount}: ${left} of the ${authorization.captured} captured is left to refund.`);
      }
      authorization.refunded += amount;
      const op = operation('refund', amount);
      emit('refund.succeeded', authorization, { operation: op.id, amount });
      return op;
    }).result;
  });

  app.get('/v1/authorizations', { schema: { querystring: Type.Object({ key: Type.Optional(Type.String({ minLength: 1 })) }) } }, async (request) => {
    const { key } = request.query;
    if (key === undefined) return { items: [...authorizations.values()] };
    const result = requests.get(key)?.result;
    if (!result || !isAuthorization(result)) throw new SandboxError(404, 'not_found', `No authorization was made with idempotency key ${key}.`);
    return result;
  });

  app.get('/v1/events', async () => ({
    items: [...deliveries.values()].map(({ event, attempts, delivered, failed }) => ({ event, attempts, delivered, failed })),
  }));

  // A test knob: duplicates, and (redelivering an older event after a newer one) events out of order.
  // Each copy goes alone, in a request of its own.
  app.post('/v1/events/:id/redeliver', {
    schema: { params: IdParams, body: RedeliverBody },
    // Fastify validates a missing body as `undefined`; here no body means "once".
    preValidation: async (request) => {
      request.body ??= {};
    },
  }, async (request, reply) => {
    const delivery = deliveries.get(request.params.id);
    if (!delivery) throw new SandboxError(404, 'not_found', `No event ${request.params.id}.`);
    const url = webhookUrl;
    if (!url) throw new SandboxError(409, 'no_webhook_url', 'The sandbox has no webhook URL to deliver to.');
    const times = request.body.times ?? 1;
    track((async () => {
      for (let i = 0; i < times && !closing.signal.aborted; i++) await send([delivery], url);
    })());
    return reply.code(202).send({ id: delivery.event.id, times });
  });

  return {
    app,
    listen: (port: number, host: string): Promise<string> => app.listen({ port, host }),
    setWebhookUrl(url: string): void {
      webhookUrl = url;
    },
    /** Stops answering and sending; closing again waits for the first close. */
    close(): Promise<void> {
      closed ??= (async () => {
        closing.abort();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await app.close();
        await Promise.allSettled([...inFlight]);
        await senders.close();
      })();
      return closed;
    },
  };
}

export type Sandbox = ReturnType<typeof createSandbox>;
