import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OrderStats, OrderStatsQuery } from '@pedidos/contracts/orders';
import { BEARER, type Authorize } from '@pedidos/platform/auth';
import type { OrderStatsService } from '../order-stats-service';
import { orderErrors } from './errors';

export const orderStatsRoutes: FastifyPluginAsyncTypebox<{ stats: OrderStatsService; authorize: Authorize }> = async (app, { stats, authorize }) => {
  app.get('/api/orders/stats', {
    preHandler: authorize('admin'),
    schema: {
      security: BEARER,
      tags: ['orders'], summary: 'Order counts, revenue, payments and top products over a range (admin)',
      description: 'Orders created in [from, to): their number by current status, the revenue and average order of those that took money '
        + '(confirmed, shipped, delivered) per currency, the money captured and refunded on their payments per currency, '
        + 'the five products most sold by units among those that took money, '
        + 'and the counts and revenue per hour or day bucket, buckets without orders included as zeros.',
      querystring: OrderStatsQuery,
      response: { 200: OrderStats, ...orderErrors.responses(400, 401, 403) },
    },
  }, (request) => stats.stats(request.query));
};
