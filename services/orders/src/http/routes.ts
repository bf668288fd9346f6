import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { CancelOrderBody, ListOrdersQuery, Order, OrderIdParams, OrderList, OrderSummary, OrderSummaryQuery, PlaceOrderBody } from '@pedidos/contracts/orders';
import { BEARER, principalOf, type Authorize } from '@pedidos/platform/auth';
import { forbidden } from '@pedidos/platform/errors';
import { OperationsReport } from '@pedidos/contracts/common';
import type { OrdersService } from '../orders-service';
import { orderErrors } from './errors';
import { ordersCsv } from './orders-csv';

/** Whether the client asked for CSV rather than JSON (an `Accept` naming text/csv first, or only it). */
const wantsCsv = (accept: string | undefined) => accept !== undefined && /^\s*text\/csv\b/i.test(accept);


const tags = ['orders'];

const PlaceOrderHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$',
    description: 'Retrying with the same key and body returns the same order; another body is a 422.',
  })),
});

export const orderRoutes: FastifyPluginAsyncTypebox<{
  service: OrdersService;
  authorize: Authorize;
  operations: () => Promise<Static<typeof OperationsReport>>;
}> = async (app, { service, authorize, operations }) => {
  const anyone = authorize('customer', 'admin');
  const admin = authorize('admin');

  app.post('/api/orders', {
    preHandler: anyone,
    schema: {
      security: BEARER,
      tags, summary: 'Place an order',
      description: 'Prices come from the catalog. Answers 201 with the order `pending`; it turns `confirmed` or `rejected` once inventory answers.',
      headers: PlaceOrderHeaders, body: PlaceOrderBody,
      response: { 201: Order, ...orderErrors.responses(400, 401, 403, 413, 415, 'ORDER.INVALID_ADDRESS', 'ORDER.UNKNOWN_SKU', 'ORDER.DUPLICATE_SKU', 'ORDER.MIXED_CURRENCY', 'ORDER.IDEMPOTENCY_KEY_REUSED', 'ORDER.BUSY') },
    },
  }, async (request, reply) => {
    const { order, replayed } = await service.placeOrder(
      principalOf(request), request.body, request.headers['idempotency-key'], request.traceparent,
    );
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(201).header('location', `/api/orders/${order.id}`).send(order);
  });

  app.get('/api/orders', {
    preHandler: anyone,
    schema: {
      security: BEARER,
      tags, summary: 'List orders',
      description: 'Newest first unless `sort` says otherwise. Customers see their own; admins see all. With `Accept: text/csv` (admins) the whole '
        + 'filtered list, every page, streams as CSV in the same order: one line per order, a header line first.',
      querystring: ListOrdersQuery,
      response: {
        200: {
          description: 'A page of orders, or with `Accept: text/csv` every order of the filtered list as CSV',
          content: {
            'application/json': { schema: OrderList },
            'text/csv': { schema: Type.String({ description: 'a header line, then one line per order (RFC 4180)' }) },
          },
        },
        ...orderErrors.responses(400, 401, 403),
      },
    },
  }, async (request, reply) => {
    const who = principalOf(request);
    if (!wantsCsv(request.headers.accept)) return service.listOrders(who, request.query);
    if (who.role !== 'admin') throw forbidden('AUTH.FORBIDDEN', 'Only admin may export orders.');
    const csv = ordersCsv(service.exportOrders(who, request.query), (error) => request.log.error({ err: error }, 'the orders export failed mid-way'));
    // A stream is sent as it is: the JSON schema of the 200 answer does not apply to it.
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="orders.csv"').send(csv as never);
  });

  app.get('/api/orders/summary', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Count and total of a filtered order list (admin)',
      description: 'The same filters as the list: how many orders they select, and the sum of their totals per currency.',
      querystring: OrderSummaryQuery, response: { 200: OrderSummary, ...orderErrors.responses(400, 401, 403) },
    },
  }, (request) => service.summarizeOrders(principalOf(request), request.query));

  app.get('/api/orders/operations', {
    preHandler: admin,
    schema: {
      security: BEARER, tags: ['operations'], summary: 'Outbox lag and dead letters (admin)',
      response: { 200: OperationsReport, ...orderErrors.responses(401, 403) },
    },
  }, () => operations());

  app.get('/api/orders/:id', {
    preHandler: anyone,
    schema: { security: BEARER, tags, summary: 'Get an order with its history', params: OrderIdParams, response: { 200: Order, ...orderErrors.responses(400, 401, 403, 'ORDER.NOT_FOUND') } },
  }, (request) => service.getOrder(principalOf(request), request.params.id));

  app.post('/api/orders/:id/cancel', {
    preHandler: anyone,
    schema: {
      security: BEARER,
      tags, summary: 'Cancel an order', description: 'From `pending` or `confirmed`; its stock is released.',
      params: OrderIdParams, body: Type.Optional(CancelOrderBody), response: { 200: Order, ...orderErrors.responses(400, 401, 403, 'ORDER.NOT_FOUND', 'ORDER.INVALID_TRANSITION') },
    },
  }, (request) => service.cancel(principalOf(request), request.params.id, request.body?.reason ?? null, request.traceparent));

  app.post('/api/orders/:id/ship', {
    preHandler: admin,
    schema: { security: BEARER, tags, summary: 'Ship a confirmed order (admin)', params: OrderIdParams, response: { 200: Order, ...orderErrors.responses(400, 401, 403, 'ORDER.NOT_FOUND', 'ORDER.INVALID_TRANSITION') } },
  }, (request) => service.ship(principalOf(request), request.params.id, request.traceparent));

  app.post('/api/orders/:id/deliver', {
    preHandler: admin,
    schema: { security: BEARER, tags, summary: 'Mark a shipped order delivered (admin)', params: OrderIdParams, response: { 200: Order, ...orderErrors.responses(400, 401, 403, 'ORDER.NOT_FOUND', 'ORDER.INVALID_TRANSITION') } },
  }, (request) => service.deliver(principalOf(request), request.params.id, request.traceparent));
};
