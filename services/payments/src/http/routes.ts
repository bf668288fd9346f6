import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { OperationsReport } from '@pedidos/contracts/common';
import { Payment, PaymentParams, RefundBody, WebhookParams } from '@pedidos/contracts/payments';
import { BEARER, principalOf, type Authorize } from '@pedidos/platform/auth';
import { DomainError } from '@pedidos/platform/errors';
import type { PaymentsService } from '../payments-service';
import { InvalidWebhook, type PaymentProvider } from '../provider/port';
import { paymentErrors } from './errors';

const tags = ['payments'];

export const paymentRoutes: FastifyPluginAsyncTypebox<{
  service: PaymentsService;
  provider: PaymentProvider;
  authorize: Authorize;
  operations: () => Promise<Static<typeof OperationsReport>>;
}> = async (app, { service, provider, authorize, operations }) => {
  const anyone = authorize('customer', 'admin');
  const admin = authorize('admin');

  app.get('/api/payments/operations', {
    preHandler: admin,
    schema: {
      security: BEARER, tags: ['operations'], summary: 'Outbox lag and dead letters (admin)',
      response: { 200: OperationsReport, ...paymentErrors.responses(401, 403) },
    },
  }, () => operations());

  app.get('/api/payments/:orderId', {
    preHandler: anyone,
    schema: {
      security: BEARER,
      tags, summary: "An order's payment and its ledger",
      description: 'The customer sees their own; admins see all. 404 until the payment has started (stock reserved).',
      params: PaymentParams,
      response: { 200: Payment, ...paymentErrors.responses(400, 401, 403, 'PAYMENT.NOT_FOUND') },
    },
  }, (request) => service.getPayment(principalOf(request), request.params.orderId));

  app.post('/api/payments/:orderId/refunds', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Refund all or part of a captured payment (admin)',
      description: 'Answers 201 once the provider has refunded, 202 when it has not answered yet (the refund is asked again until it does). Never more than captured and not yet refunded: 409.',
      params: PaymentParams, body: RefundBody,
      response: {
        201: Payment, 202: Payment,
        ...paymentErrors.responses(400, 401, 403, 'PAYMENT.NOT_FOUND', 'PAYMENT.NOT_CAPTURED', 'PAYMENT.REFUND_EXCEEDS_CAPTURED', 'PAYMENT.REFUND_REFUSED'),
      },
    },
  }, async (request, reply) => {
    const { payment, settled } = await service.refund(principalOf(request), request.params.orderId, request.body, request.traceparent);
    return reply.code(settled ? 201 : 202).send(payment);
  });

  // The signature covers the exact bytes sent: this route reads the body as text, not as JSON.
  await app.register(async (hooks: typeof app) => {
    hooks.removeContentTypeParser('application/json');
    hooks.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, (body as Buffer).toString('utf8')));

    hooks.post('/api/payments/webhooks/:provider', {
      // A provider sends up to a hundred events a request (the sandbox's are ~300 bytes each).
      bodyLimit: 256 * 1024,
      schema: {
        tags: ['webhooks'], summary: "The payment provider's asynchronous outcomes",
        description: 'Signed by the provider (`Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`); a bad or older than 5 minutes signature is a 401 and nothing in it is applied. The sandbox sends `{ "events": [...] }`, one or more events a request. Each event is applied once, however often and in whatever order it arrives; the answer is 200 once every event in the request is recorded, with what each did.',
        params: WebhookParams,
        body: Type.String({ description: 'the events, as JSON' }),
        response: {
          200: Type.Object({
            received: Type.Boolean(),
            outcomes: Type.Array(Type.Object({ id: Type.String(), outcome: Type.Union([Type.Literal('applied'), Type.Literal('ignored')]) })),
          }),
          ...paymentErrors.responses(400, 'WEBHOOK.UNKNOWN_PROVIDER', 'WEBHOOK.INVALID_SIGNATURE'),
        },
      },
    }, async (request) => {
      if (request.params.provider !== provider.name) throw new DomainError('WEBHOOK.UNKNOWN_PROVIDER', `No payment provider is called ${request.params.provider}.`);
      let hooks;
      try {
        hooks = provider.parseWebhook(request.headers, request.body);
      } catch (error) {
        if (error instanceof InvalidWebhook) throw new DomainError('WEBHOOK.INVALID_SIGNATURE', error.message);
        throw error;
      }
      // Side by side: the authorizations' outcomes join one group commit. One that fails fails the
      // request; the sandbox sends each of its events again alone, and the ones applied already
      // are ignored then.
      const outcomes = await Promise.all(hooks.map(async (hook) => ({ id: hook.id, outcome: await service.onWebhook(hook) })));
      return { received: true, outcomes };
    });
  });
};
