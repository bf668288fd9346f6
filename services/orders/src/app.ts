import { fileURLToPath } from 'node:url';
import type { ConfigOf } from '@pedidos/platform/config';
import { createAuthorizer, createTokenVerifier, verifierOptions } from '@pedidos/platform/auth';
import { migrate } from '@pedidos/platform/db';
import { createHttpApp, httpSettings } from '@pedidos/platform/http';
import { createMetrics } from '@pedidos/platform/metrics';
import { createOutbox, operationsReport, type Subscription } from '@pedidos/platform/messaging';
import type { Adapters, ServiceApp } from '@pedidos/platform/runtime';
import { createCatalogSync } from './catalog-sync';
import type { ordersConfigSpec } from './config';
import { outbox as outboxTable } from './db/schema';
import { orderActivityRoutes } from './http/activity-routes';
import { orderStreamRoutes } from './http/order-stream';
import { orderErrors } from './http/errors';
import { orderRoutes } from './http/routes';
import { orderStatsRoutes } from './http/stats-routes';
import { webhookRoutes } from './http/webhook-routes';
import { QUEUES, subscribeHandlers } from './messaging/handlers';
import { createLiveFeed } from './messaging/live-feed';
import { routeWebhookEvents, subscribeWebhookFanOut, withPaymentFanOut } from './messaging/webhook-fan-out';
import { countPending } from './db/order-rows';
import { createOrderActivity } from './order-activity';
import { createOrderAdmission } from './order-admission';
import { createOrderStatsService } from './order-stats-service';
import { createOrdersService } from './orders-service';
import { createWebhookDispatcher } from './webhooks-dispatcher';
import { createWebhookSender } from './webhooks-sender';
import { createWebhooksService } from './webhooks-service';

export const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

export async function buildOrders({ database, bus, log, config }: Adapters & { config: ConfigOf<typeof ordersConfigSpec> }) {
  const outbox = createOutbox({ db: database.db, table: outboxTable, bus, log, pollIntervalMs: config.OUTBOX_POLL_MS });
  const metrics = createMetrics({ service: 'orders' });
  // Its _count is the pages exports have read: a slow download holds the export to a page or two.
  const exportPageRows = metrics.histogram('orders_export_rows_per_page', 'Orders read by each page of a CSV export, as the client takes them', [1, 100, 250, 500]);
  const decisions = metrics.histogram(
    'order_decision_seconds', 'From an order\'s creation to its confirmation or rejection (stock, then payment), by status',
    [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], ['status'],
  );
  // Both series exist from the start, so rates read 0 rather than nothing before the first order.
  for (const status of ['confirmed', 'rejected']) decisions.zero({ status });
  const refused = metrics.counter('orders_admission_refused_total', 'New orders refused at the door (503 ORDER.BUSY): no room came under MAX_PENDING_ORDERS in time');
  const admission = createOrderAdmission({
    countPending: () => countPending(database.db), maxPending: config.MAX_PENDING_ORDERS, waitMs: config.ADMISSION_WAIT_MS, log,
    onRefused: () => refused.inc(),
  });
  const service = createOrdersService({
    db: database.db, outbox, admission,
    onExportPage: (orders) => exportPageRows.observe(orders),
    onDecided: (status, seconds) => decisions.observe({ status }, seconds),
  });
  const catalogSync = createCatalogSync({ inventoryUrl: config.INVENTORY_URL, service, log });
  const feed = createLiveFeed({ bus, log, idleMs: config.LIVE_FEED_IDLE_MS });
  const webhookSender = createWebhookSender({ timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE });
  const dispatcher = createWebhookDispatcher({
    db: database.db, sender: webhookSender, log, pollMs: config.WEBHOOK_POLL_MS,
    retryForMs: config.WEBHOOK_RETRY_FOR_MS, retryMinMs: config.WEBHOOK_RETRY_MIN_MS, timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  });
  const webhooks = createWebhooksService({
    db: database.db, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, routeEvents: routeWebhookEvents(bus), log, onDeliveries: () => dispatcher.kick(),
  });
  metrics.observeBus(bus, Object.values(QUEUES));
  metrics.observeQueues(bus, Object.values(QUEUES));
  const consumers = { prefetch: config.CONSUMER_PREFETCH, dependsOn: database.ping, onBatch: metrics.observeBatch };
  metrics.observeOutbox(outbox.relay);
  metrics.gaugeFromCallback('orders_pending', 'Orders waiting to be confirmed or rejected (every replica\'s)', () => countPending(database.db));

  const http = await createHttpApp({
    service: 'orders',
    version: '0.1.0',
    log,
    metrics,
    ...httpSettings(config),
    readiness: { database: database.ping, broker: bus.ping },
    errors: orderErrors,
    openapi: {
      title: 'Orders service',
      description: 'Places orders (priced from a local copy of the catalog), follows them through stock reservation, and ships, delivers or cancels them.',
    },
  });
  const authorize = createAuthorizer(createTokenVerifier(verifierOptions(config)));
  const operations = () => operationsReport(outbox.relay, bus, Object.values(QUEUES));
  await http.register(orderStatsRoutes, { stats: createOrderStatsService({ db: database.db }), authorize });
  await http.register(orderActivityRoutes, { activity: createOrderActivity({ db: database.db }), authorize });
  await http.register(orderRoutes, { service, authorize, operations });
  await http.register(orderStreamRoutes, { service, feed, authorize, perUserMax: config.STREAMS_PER_USER_MAX });
  await http.register(webhookRoutes, { webhooks, authorize });

  let subscriptions: Subscription[] = [];
  let sweeper: NodeJS.Timeout | undefined;
  let routesCheck: NodeJS.Timeout | undefined;
  const sweep = async () => {
    try {
      const expired = await service.expirePending(config.ORDER_TIMEOUT_MS);
      if (expired > 0) log.warn({ expired }, 'pending orders expired');
    } catch (error) {
      log.error({ err: error }, 'expiry sweep failed');
    }
  };

  return {
    http,
    service,
    outbox,
    catalogSync,
    webhooks,
    async start() {
      await migrate(database, { schema: 'orders', migrationsFolder: MIGRATIONS });
      outbox.relay.start();
      subscriptions = [
        ...await subscribeHandlers(bus, withPaymentFanOut(service, webhooks), consumers),
        await subscribeWebhookFanOut(bus, webhooks, consumers),
      ];
      await webhooks.followEndpoints();
      dispatcher.start();
      await admission.start();
      await catalogSync.start();
      sweeper = setInterval(() => void sweep(), config.EXPIRY_SWEEP_MS);
      sweeper.unref();
      routesCheck = setInterval(() => {
        webhooks.followEndpoints().catch((error: unknown) => log.warn({ err: error }, 'webhook routes not checked; will try again'));
      }, config.WEBHOOK_ROUTES_CHECK_MS);
      routesCheck.unref();
    },
    async stop() {
      clearInterval(sweeper);
      clearInterval(routesCheck);
      catalogSync.stop();
      // Lets in the orders waiting at the door, or closing the server would wait for them.
      admission.stop();
      // Ends the open event streams first (a preClose hook), or this would wait for their clients.
      await http.close();
      await Promise.all([feed.stop(), ...subscriptions.map((s) => s.cancel())]);
      await Promise.all([outbox.relay.stop(), dispatcher.stop()]);
      await webhookSender.close();
    },
  } satisfies ServiceApp & Record<string, unknown>;
}
