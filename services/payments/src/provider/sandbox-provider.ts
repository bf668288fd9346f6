/**
 * The PaymentProvider over the sandbox's HTTP API (src/sandbox). Like an adapter for a real
 * processor it reads the wire format with its own schemas and trusts nothing it did not check:
 * an answer it cannot read is an unknown outcome (ProviderUnavailable), never a guess.
 */

import { Type, type Static } from 'typebox';
import { Agent, errors } from 'undici';
import { Compile } from 'typebox/compile';
import {
  InvalidWebhook,
  ProviderRefused,
  ProviderUnavailable,
  type Authorization,
  type OperationResult,
  type PaymentProvider,
  type WebhookEvent,
} from './port';
import { SIGNATURE_HEADER, verifyWebhook } from './webhook-signature';

const Id = Type.String({ minLength: 1 });
const Card = { brand: Type.String(), last4: Type.String() };

const SandboxAuthorization = Type.Union([
  Type.Object({ id: Id, status: Type.Literal('pending'), ...Card }),
  Type.Object({ id: Id, status: Type.Literal('declined'), code: Type.String({ minLength: 1 }), ...Card }),
  Type.Object({
    id: Id,
    status: Type.Union([Type.Literal('authorized'), Type.Literal('captured'), Type.Literal('voided')]),
    captured: Type.Integer({ minimum: 0 }),
    refunded: Type.Integer({ minimum: 0 }),
    ...Card,
  }),
]);

const SandboxOperation = Type.Object({ id: Id });
const SandboxProblem = Type.Object({ code: Type.String(), message: Type.String() });

const Subject = { reference: Id, key: Id, orderId: Id };
const SandboxEvent = Type.Union([
  Type.Object({ id: Id, type: Type.Literal('authorization.succeeded'), data: Type.Object({ ...Subject, ...Card }) }),
  Type.Object({
    id: Id,
    type: Type.Literal('authorization.declined'),
    data: Type.Object({ ...Subject, code: Type.String(), brand: Type.Optional(Type.String()), last4: Type.Optional(Type.String()) }),
  }),
  Type.Object({
    id: Id,
    type: Type.Union([Type.Literal('capture.succeeded'), Type.Literal('void.succeeded')]),
    data: Type.Object({ ...Subject, operation: Id }),
  }),
  Type.Object({ id: Id, type: Type.Literal('refund.succeeded'), data: Type.Object({ ...Subject, operation: Id, amount: Type.Integer({ minimum: 1 }) }) }),
]);

// Compiled once: every answer and every webhook is checked.
const Authorizations = Compile(SandboxAuthorization);
const Operations = Compile(SandboxOperation);
const Problems = Compile(SandboxProblem);
// Several events to a request, as Adyen sends them; or one alone, as Stripe sends them and as the
// sandbox did before, so that the payments service may be upgraded before the sandbox.
const Webhooks = Compile(Type.Union([Type.Object({ events: Type.Array(SandboxEvent, { minItems: 1 }) }), SandboxEvent]));

export interface SandboxProviderOptions {
  /** The sandbox's base URL, e.g. `http://127.0.0.1:5009`. */
  url: string;
  apiKey: string;
  /** Every secret a webhook may be signed with: the current one first, the previous one during a rotation. */
  webhookSecrets: string[];
  /** Per call, reading the answer included. */
  timeoutMs?: number;
}

export function createSandboxProvider(opts: SandboxProviderOptions): PaymentProvider {
  const { url, apiKey, webhookSecrets, timeoutMs = 5000 } = opts;
  if (webhookSecrets.every((s) => s === '')) throw new TypeError('createSandboxProvider: webhookSecrets holds no secret');
  const base = new URL(url);
  const prefix = base.pathname.replace(/\/$/, '');
  // undici's own client rather than fetch: a call costs a fraction of fetch's CPU (no WHATWG
  // streams, no abort signal per call), and at a burst's pace the calls are a large part of the
  // service's work. Kept-alive connections; the timeouts bound waiting for the answer's headers
  // and then each gap in its body.
  const dispatcher = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connections: 128 });

  /** The answer's JSON, checked against `schema`; throws ProviderUnavailable or ProviderRefused as the port says. */
  async function call<T>(
    schema: { Check(value: unknown): value is T },
    method: 'GET' | 'POST',
    path: string,
    request: { key?: string; body?: unknown } = {},
  ): Promise<T> {
    const what = `sandbox ${method} ${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
    if (request.key !== undefined) headers['idempotency-key'] = request.key;
    if (request.body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let answer: unknown;
    try {
      const response = await dispatcher.request({
        origin: base.origin, method, path: `${prefix}${path}`, headers, body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      status = response.statusCode;
      if (status >= 500) await response.body.dump();
      else answer = await response.body.json().catch(() => undefined);
    } catch (error) {
      const timedOut = error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
      throw new ProviderUnavailable(`${what}: ${timedOut ? `no answer within ${timeoutMs} ms` : 'connection failed'}`, { cause: error });
    }

    if (status >= 500) throw new ProviderUnavailable(`${what} answered ${status}`);
    if (status >= 400) {
      const problem = Problems.Check(answer) ? answer : { code: `http_${status}`, message: `${what} answered ${status}` };
      throw new ProviderRefused(problem.code, problem.message);
    }
    // A 2xx we cannot read may still have moved money: the outcome is unknown, and the same key will tell.
    if (!schema.Check(answer)) throw new ProviderUnavailable(`${what} answered ${status} with an unreadable body`);
    return answer;
  }

  async function operation(path: string, key: string, body?: { amount: number }): Promise<OperationResult> {
    const op = await call(Operations, 'POST', path, { key, body });
    return { reference: op.id };
  }

  const authorizationPath = (reference: string, action: string) => `/v1/authorizations/${encodeURIComponent(reference)}/${action}`;

  return {
    name: 'sandbox',

    async authorize({ key, ...body }) {
      return toAuthorization(await call(Authorizations, 'POST', '/v1/authorizations', { key, body }));
    },

    capture: ({ key, reference, amount }) => operation(authorizationPath(reference, 'capture'), key, { amount }),

    void: ({ key, reference }) => operation(authorizationPath(reference, 'void'), key),

    refund: ({ key, reference, amount }) => operation(authorizationPath(reference, 'refunds'), key, { amount }),

    async get(key) {
      try {
        return toAuthorization(await call(Authorizations, 'GET', `/v1/authorizations?key=${encodeURIComponent(key)}`));
      } catch (error) {
        if (error instanceof ProviderRefused && error.code === 'not_found') return null;
        throw error;
      }
    },

    parseWebhook(headers, rawBody) {
      verifyWebhook(webhookSecrets, header(headers, SIGNATURE_HEADER), rawBody);
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        throw new InvalidWebhook('webhook body is not JSON');
      }
      if (!Webhooks.Check(parsed)) {
        const first = Webhooks.Errors(parsed)[0];
        throw new InvalidWebhook(`webhook body is neither a known sandbox event nor a list of them (at "${first?.instancePath || '/'}": ${first?.message ?? 'no match'})`);
      }
      return 'events' in parsed ? parsed.events.map(toWebhookEvent) : [toWebhookEvent(parsed)];
    },
  };
}

function toAuthorization(a: Static<typeof SandboxAuthorization>): Authorization {
  const card = { brand: a.brand, last4: a.last4 };
  switch (a.status) {
    case 'pending':
      return { status: 'pending', reference: a.id, ...card };
    case 'declined':
      return { status: 'declined', reference: a.id, code: a.code, ...card };
    default:
      return { status: a.status, reference: a.id, captured: a.captured, refunded: a.refunded, ...card };
  }
}

function toWebhookEvent(e: Static<typeof SandboxEvent>): WebhookEvent {
  const subject = { id: e.id, reference: e.data.reference, key: e.data.key, orderId: e.data.orderId };
  switch (e.type) {
    case 'authorization.succeeded':
      return { ...subject, type: e.type, brand: e.data.brand, last4: e.data.last4 };
    case 'authorization.declined':
      return { ...subject, type: e.type, code: e.data.code, brand: e.data.brand, last4: e.data.last4 };
    case 'refund.succeeded':
      return { ...subject, type: e.type, operation: e.data.operation, amount: e.data.amount };
    default:
      return { ...subject, type: e.type, operation: e.data.operation };
  }
}

/** Node lower-cases header names, but a caller may have built the record by hand. */
function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  // Repeated headers join with a comma (RFC 9110 §5.3); a second `t=` then makes the header malformed.
  return Array.isArray(entry) ? entry.join(',') : entry;
}
