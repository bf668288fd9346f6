import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '@pedidos/platform/errors';
import { BEARER, principalOf, type Authorize } from '@pedidos/platform/auth';
import { ORDER_STREAM_EVENT, OrderStreamHeaders, OrderStreamQuery } from '@pedidos/contracts/orders';
import type { LiveFeed } from '../messaging/live-feed';
import type { OrderChange, OrdersService } from '../orders-service';

import { orderErrors } from './errors';
import { openEventStream, type EventStream, type EventStreamOptions } from './sse';

export const STREAM_DEFAULTS: EventStreamOptions = { retryMs: 3000, heartbeatMs: 15_000, maxBufferedBytes: 1024 * 1024 };

// Per stream: enough to deduplicate every order a client plausibly follows at once.
const MAX_TRACKED_ORDERS = 10_000;

const DESCRIPTION = `Server-Sent Events (\`text/event-stream\`): one \`order\` event per status change, the creation
(\`pending\`) included, of the caller's own orders (an admin's: every order). Its \`data\` is the order JSON
exactly as \`GET /api/orders/{id}\` returns it; its \`id\` is the change's position.

The stream starts with \`retry: 3000\`. To resume, send the last \`id\` received as the \`Last-Event-ID\`
header (or the \`lastEventId\` query parameter): every order that changed meanwhile comes first, once, as
it stands now. Then an \`id:\` line with no data (a position to resume from, not an event) marks the point
from which the stream is live. A comment line (\`: keep-alive\`) comes every 15 s.

A connection never sends an order's older state after a newer one; events of different orders may
arrive out of id order. When the service shuts down it ends the stream: reconnect with the last id.

A user may hold only a few streams open at once (one per tab is fine); one more is refused with 429
and \`Retry-After\`, and nothing is opened: close another first.`;

/** One open stream too many for this user; nothing was opened. */
const tooManyStreams = (max: number, retryAfterS: number) =>
  new DomainError('STREAM.TOO_MANY', `You already have ${max} live order streams open; close one before opening another.`, { facts: { retryAfterS } });

/** Counts each user's open streams; a user with none takes no memory. */
function streamsPerUser() {
  const open = new Map<string, number>();
  return {
    count: (user: string) => open.get(user) ?? 0,
    /** Returns the release, to be called once when the stream closes. */
    add(user: string) {
      open.set(user, (open.get(user) ?? 0) + 1);
      return () => {
        const left = (open.get(user) ?? 1) - 1;
        if (left > 0) open.set(user, left);
        else open.delete(user);
      };
    },
  };
}

export const orderStreamRoutes: FastifyPluginAsyncTypebox<{
  service: OrdersService;
  feed: LiveFeed;
  authorize: Authorize;
  /** Streams one user may hold open at once in this process; 0: no cap. */
  perUserMax: number;
  stream?: EventStreamOptions;
}> = async (app, { service, feed, authorize, perUserMax, stream: streamOptions = STREAM_DEFAULTS }) => {
  const streams = new Set<EventStream>();
  // Each open stream holds a socket, a feed listener and a replay: one token must not open them without end.
  const perUser = streamsPerUser();
  // Time frees no place, only a closed stream: ask for the pause an EventSource takes between reconnections.
  const retryAfterS = Math.ceil(streamOptions.retryMs / 1000);
  let closing = false;

  // An open stream would keep http.close() waiting forever; ending them sends clients to reconnect elsewhere.
  app.addHook('preClose', async () => {
    closing = true;
    for (const stream of streams) stream.end();
  });

  app.get('/api/orders/stream', {
    preHandler: authorize('customer', 'admin'),
    schema: {
      security: BEARER,
      tags: ['orders'],
      summary: 'Follow order status changes live (Server-Sent Events)',
      description: DESCRIPTION,
      headers: OrderStreamHeaders,
      querystring: OrderStreamQuery,
      response: {
        200: {
          description: 'An endless event stream: `id: <position>`, `event: order`, `data: <Order JSON>`.',
          content: { 'text/event-stream': { schema: Type.String() } },
        },
        ...orderErrors.responses(400, 401, 403, 'STREAM.TOO_MANY'),
      },
    },
  }, async (request, reply) => {
    const who = principalOf(request);
    const given = request.headers['last-event-id'] ?? request.query.lastEventId;
    const resumeFrom = given === undefined ? undefined : Number(given);

    if (perUserMax > 0 && perUser.count(who.id) >= perUserMax) throw tooManyStreams(perUserMax, retryAfterS);
    // Counted in the same tick as the check: two requests at once cannot both take the last place.
    const stream = openEventStream(reply, streamOptions);
    stream.onClose(perUser.add(who.id));
    streams.add(stream);
    stream.onClose(() => streams.delete(stream));
    if (closing) {
      stream.end();
      return;
    }

    // Per order, the newest change this client has: anything not newer is a duplicate or stale.
    const sent = new Map<string, number>();
    const floor = resumeFrom ?? 0;
    const deliver = ({ historyId, order }: OrderChange) => {
      if (historyId <= floor || historyId <= (sent.get(order.id) ?? 0)) return;
      sent.delete(order.id);
      sent.set(order.id, historyId);
      if (sent.size > MAX_TRACKED_ORDERS) sent.delete(sent.keys().next().value!);
      stream.send({ id: historyId, event: ORDER_STREAM_EVENT, data: JSON.stringify(order) });
    };

    // Listening before reading the database: a change committed meanwhile is buffered, not lost.
    let buffered: OrderChange[] | null = [];
    let stopListening: () => void;
    try {
      stopListening = await feed.listen((change) => {
        if (who.role !== 'admin' && change.order.customerId !== who.id) return;
        if (buffered) buffered.push(change);
        else deliver(change);
      });
    } catch (error) {
      // Nothing would reach this stream live: ended, it is opened again by the browser (with the
      // last id it got) once the broker is back.
      request.log.warn({ err: error }, 'order stream could not follow the changes');
      stream.end();
      return;
    }
    stream.onClose(stopListening);
    if (!stream.open) return;

    try {
      let position = resumeFrom ?? (await service.streamPosition(who));
      for (let more = resumeFrom !== undefined; more && stream.open; ) {
        const page = await service.changesSince(who, position);
        page.changes.forEach(deliver);
        await stream.drained();
        ({ cursor: position, more } = page);
      }
      stream.position(position);
    } catch (error) {
      request.log.error({ err: error }, 'order stream could not read what the client missed');
      stream.end();
      return;
    }
    const missed = buffered;
    buffered = null;
    missed.forEach(deliver);
  });
};
