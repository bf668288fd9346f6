import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ActivityNote, OrderActivity, OrderIdParams, StaffNoteBody } from '@pedidos/contracts/orders';
import { BEARER, principalOf, type Authorize } from '@pedidos/platform/auth';
import type { OrderActivityService } from '../order-activity';
import { orderErrors } from './errors';

const tags = ['orders'];

export const orderActivityRoutes: FastifyPluginAsyncTypebox<{ activity: OrderActivityService; authorize: Authorize }> = async (app, { activity, authorize }) => {
  const admin = authorize('admin');

  app.get('/api/orders/:id/activity', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'An order\'s status changes and staff notes, oldest first (admin)',
      description: 'Each status change says who caused it: the order\'s customer, a member of staff (with the name their token carried), '
        + 'or nobody (`by: null`) when another service did. Staff notes are seen here only: never in the order, its events or its stream.',
      params: OrderIdParams,
      response: { 200: OrderActivity, ...orderErrors.responses(400, 401, 403, 'ORDER.NOT_FOUND') },
    },
  }, (request) => activity.activity(request.params.id));

  app.post('/api/orders/:id/notes', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Add a staff note to an order (admin)',
      description: 'Plain text, line breaks kept. Answers 201 with the note as the activity lists it. Never shown to the customer.',
      params: OrderIdParams, body: StaffNoteBody,
      response: { 201: ActivityNote, ...orderErrors.responses(400, 401, 403, 413, 415, 'ORDER.NOT_FOUND') },
    },
  }, async (request, reply) => reply.code(201).send(await activity.addNote(principalOf(request), request.params.id, request.body.body)));
};
