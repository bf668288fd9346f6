import { randomUUID } from 'node:crypto';
import type { CreateWebhookBody, CreatedWebhookEndpoint, WebhookDelivery, WebhookDeliveryPage, WebhookEndpoint, WebhookEventType } from '@pedidos/contracts/webhooks';
import { decodeIntCursor, encodeCursor } from '@pedidos/platform/cursor';
import type { Db, Tx } from '@pedidos/platform/db';
import { DomainError } from '@pedidos/platform/errors';
import type { Logger } from '@pedidos/platform/logger';
import type { CloudEvent } from '@pedidos/platform/messaging';
import {
  activeEndpoint, activeEndpoints, deliveryPage, disableEndpoint, insertDeliveries, insertEndpoint, lockWebhookRoutes, replayDelivery, wantedEventTypes,
  type AttemptRow, type DeliveryRow, type EndpointRow,
} from './db/webhooks';
import { webhookUrlProblem } from './webhooks-address-guard';
import { newWebhookSecret } from './webhooks-signature';

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  url: row.url,
  events: row.events as WebhookEventType[],
  description: row.description,
  createdAt: row.createdAt.toISOString(),
});

const toDelivery = (row: DeliveryRow, attempts: AttemptRow[]): WebhookDelivery => ({
  id: row.id,
  eventId: row.eventId,
  eventType: row.eventType,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.lastStatusCode,
  lastDurationMs: row.lastDurationMs,
  lastError: row.lastError,
  nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt?.toISOString() ?? null : null,
  createdAt: row.createdAt.toISOString(),
  attemptLog: attempts.map((a) => ({ at: a.at.toISOString(), statusCode: a.statusCode, durationMs: a.durationMs, error: a.error })),
});

const endpointNotFound = (id: string) => new DomainError('WEBHOOK.NOT_FOUND', `No webhook endpoint ${id}.`);

/** Endpoints other systems register, and what became of the events sent to them. */
export function createWebhooksService({ db, allowPrivate, routeEvents, log, onDeliveries, now = () => new Date() }: {
  db: Db;
  allowPrivate: boolean;
  /**
   * Has the broker bring the event types the endpoints now want, and no others. Called in the
   * transaction that registers an endpoint: failing (the broker away), it undoes the registration.
   */
  routeEvents: (wanted: ReadonlySet<string>) => Promise<void>;
  log: Logger;
  /** Told when new deliveries are waiting, so that the dispatcher need not wait for its next poll. */
  onDeliveries?: () => void;
  now?: () => Date;
}) {
  /**
   * Under a lock every replica takes for it, so that the last change of the endpoints is the one
   * whose routes stay: an endpoint registered while another is removed keeps its events. A new
   * endpoint's events are routed before its registration commits, so none committed after it is missed.
   */
  async function routeIn(tx: Tx): Promise<void> {
    await lockWebhookRoutes(tx);
    await routeEvents(await wantedEventTypes(tx));
  }

  return {
    /**
     * At startup, then now and then: the endpoints may have changed while no replica ran (or
     * through a replica of an earlier release, which binds nothing), a queue declared again (an
     * operator deleted it) has no routes, and a queue from before routes every order event.
     */
    followEndpoints: () => db.transaction(routeIn),

    async register(createdBy: string, body: CreateWebhookBody): Promise<CreatedWebhookEndpoint> {
      const problem = await webhookUrlProblem(body.url, allowPrivate);
      if (problem !== undefined) throw new DomainError('WEBHOOK.INVALID_URL', `The URL cannot receive webhooks: ${problem}.`, { errors: [{ path: '/url', message: problem }] });
      const secret = newWebhookSecret();
      const row = await db.transaction(async (tx) => {
        const inserted = await insertEndpoint(tx, {
          id: randomUUID(), url: body.url, events: body.events, description: body.description ?? null, secret, createdBy, createdAt: now(),
        });
        await routeIn(tx);
        return inserted;
      });
      return { ...toEndpoint(row), secret };
    },

    async list(): Promise<{ items: WebhookEndpoint[] }> {
      return { items: (await activeEndpoints(db)).map(toEndpoint) };
    },

    /**
     * Its routes go after the removal commits: taken away first, a removal that then failed
     * would leave the endpoint without its events, where routes left behind cost only the
     * broker's work (the next check of the routes takes them away).
     */
    async remove(id: string): Promise<void> {
      if (!(await db.transaction((tx) => disableEndpoint(tx, id, now())))) throw endpointNotFound(id);
      await db.transaction(routeIn).catch((error: unknown) => log.warn({ err: error }, 'webhook routes left as they were; the next check takes the removed endpoint\'s away'));
    },

    async deliveries(id: string, { limit = 20, cursor }: { limit?: number; cursor?: string }): Promise<WebhookDeliveryPage> {
      const before = cursor === undefined ? undefined : decodeIntCursor(cursor);
      if (!(await activeEndpoint(db, id))) throw endpointNotFound(id);
      const { rows, attempts, more } = await deliveryPage(db, id, limit, before);
      return {
        items: rows.map((r) => toDelivery(r, attempts.filter((a) => a.deliveryId === r.id))),
        nextCursor: more ? encodeCursor(rows.at(-1)!.seq) : null,
      };
    },

    async replay(id: string, deliveryId: string): Promise<{ id: string; status: 'pending' }> {
      const replayed = (await activeEndpoint(db, id)) ? await replayDelivery(db, id, deliveryId, now()) : 'missing';
      if (replayed === 'missing') throw new DomainError('WEBHOOK.DELIVERY_NOT_FOUND', `No delivery ${deliveryId} for webhook endpoint ${id}.`);
      if (replayed === 'pending') {
        throw new DomainError('WEBHOOK.DELIVERY_IN_FLIGHT', `Delivery ${deliveryId} is being sent at this moment; it can be sent again once this attempt has ended.`);
      }
      onDeliveries?.();
      return { id: deliveryId, status: 'pending' };
    },

    /**
     * Events from the broker become deliveries, one per subscribed endpoint, in one statement. A
     * delivery is unique per endpoint and event, so an event delivered again adds nothing: no inbox
     * row is needed, and while no endpoint wants an event the statement writes nothing (no commit
     * to wait for).
     */
    async fanOut(events: CloudEvent[]): Promise<void> {
      if ((await insertDeliveries(db, events)) > 0) onDeliveries?.();
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
