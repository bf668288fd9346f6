import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CreateWebhookBody, CreatedWebhookEndpoint, ReplayAccepted, WebhookDeliveriesQuery, WebhookDeliveryPage, WebhookDeliveryParams,
  WebhookEndpointList, WebhookIdParams,
} from '@pedidos/contracts/webhooks';
import { BEARER, principalOf, type Authorize } from '@pedidos/platform/auth';
import type { WebhooksService } from '../webhooks-service';
import { orderErrors } from './errors';

const tags = ['webhooks'];

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService; authorize: Authorize }> = async (app, { webhooks, authorize }) => {
  const admin = authorize('admin');

  app.post('/api/webhooks', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Register an endpoint that receives events (admin)',
      description: 'Each event of the listed types is POSTed to `url` as its CloudEvent JSON, signed the Standard Webhooks way '
        + '(`webhook-id`, `webhook-timestamp`, `webhook-signature`). The answer carries the signing `secret`: it is never shown again. '
        + 'Only http(s) URLs whose host resolves to public addresses are accepted (400 naming `/url` otherwise).',
      body: CreateWebhookBody,
      response: { 201: CreatedWebhookEndpoint, ...orderErrors.responses(400, 401, 403, 413, 415, 'WEBHOOK.INVALID_URL') },
    },
  }, async (request, reply) => reply.code(201).send(await webhooks.register(principalOf(request).id, request.body)));

  app.get('/api/webhooks', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'The registered endpoints, oldest first (admin)',
      description: 'Without their secrets.',
      response: { 200: WebhookEndpointList, ...orderErrors.responses(401, 403) },
    },
  }, () => webhooks.list());

  app.delete('/api/webhooks/:id', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Remove an endpoint (admin)',
      description: 'Nothing more is sent to it; deliveries still waiting end `failed`.',
      params: WebhookIdParams,
      response: { 204: Type.Null({ description: 'Removed' }), ...orderErrors.responses(400, 401, 403, 'WEBHOOK.NOT_FOUND') },
    },
  }, async (request, reply) => {
    await webhooks.remove(request.params.id);
    return reply.code(204).send(null);
  });

  app.get('/api/webhooks/:id/deliveries', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'An endpoint\'s deliveries, newest first, with every attempt (admin)',
      description: 'A delivery is one event for this endpoint: `pending` while it is tried (`nextAttemptAt` says when next), '
        + '`delivered` once answered 2xx, `failed` after a 4xx other than 408/429 or when its retries ran out.',
      params: WebhookIdParams,
      querystring: WebhookDeliveriesQuery,
      response: { 200: WebhookDeliveryPage, ...orderErrors.responses(400, 401, 403, 'WEBHOOK.NOT_FOUND') },
    },
  }, (request) => webhooks.deliveries(request.params.id, request.query));

  app.post('/api/webhooks/:id/deliveries/:deliveryId/replay', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Send a delivery again (admin)',
      description: 'The delivery is pending again now (delivered, failed, or brought forward while it waits for its next retry), with the same '
        + '`webhook-id` and a new window of retries. One whose attempt is under way at this moment is refused (409), never sent twice at once.',
      params: WebhookDeliveryParams,
      response: { 202: ReplayAccepted, ...orderErrors.responses(400, 401, 403, 'WEBHOOK.NOT_FOUND', 'WEBHOOK.DELIVERY_NOT_FOUND', 'WEBHOOK.DELIVERY_IN_FLIGHT') },
    },
  }, async (request, reply) => reply.code(202).send(await webhooks.replay(request.params.id, request.params.deliveryId)));
};
