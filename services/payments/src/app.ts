import { fileURLToPath } from 'node:url';
import type { ConfigOf } from '@pedidos/platform/config';
import { createAuthorizer, createTokenVerifier, verifierOptions } from '@pedidos/platform/auth';
import { migrate } from '@pedidos/platform/db';
import { createHttpApp, httpSettings } from '@pedidos/platform/http';
import { createMetrics } from '@pedidos/platform/metrics';
import { createOutbox, operationsReport, type Subscription } from '@pedidos/platform/messaging';
import type { Adapters, ServiceApp } from '@pedidos/platform/runtime';
import type { paymentsConfigSpec } from './config';
import { outbox as outboxTable } from './db/schema';
import { paymentErrors } from './http/errors';
import { paymentRoutes } from './http/routes';
import { QUEUES, subscribeHandlers } from './messaging/handlers';
import { createPaymentsService } from './payments-service';
import type { PaymentProvider } from './provider/port';
import { createSandboxProvider } from './provider/sandbox-provider';

export const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

/** The provider the configuration names. */
export function providerFor(config: ConfigOf<typeof paymentsConfigSpec>): PaymentProvider {
  return createSandboxProvider({
    url: config.PAYMENT_PROVIDER_URL,
    apiKey: config.PAYMENT_PROVIDER_API_KEY,
    webhookSecrets: config.PAYMENT_WEBHOOK_SECRET.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
  });
}

export async function buildPayments({ database, bus, log, config, provider = providerFor(config) }: Adapters & { config: ConfigOf<typeof paymentsConfigSpec>; provider?: PaymentProvider }) {
  const outbox = createOutbox({ db: database.db, table: outboxTable, bus, log, pollIntervalMs: config.OUTBOX_POLL_MS });
  const metrics = createMetrics({ service: 'payments' });
  const answersPerTransaction = metrics.histogram(
    'payment_answers_per_transaction', 'Provider answers recorded by each transaction: answers that arrive together share one commit', [1, 2, 5, 10, 20, 50, 100]);
  const service = createPaymentsService({
    db: database.db, outbox, provider, log, reconcileAfterMs: config.RECONCILE_AFTER_MS, captureOnAuthorize: config.CAPTURE === 'on-authorize',
    onAnswersRecorded: (answers) => answersPerTransaction.observe(answers),
  });
  metrics.observeBus(bus, Object.values(QUEUES));
  metrics.observeQueues(bus, Object.values(QUEUES));
  const consumers = { prefetch: config.CONSUMER_PREFETCH, dependsOn: database.ping, onBatch: metrics.observeBatch };
  metrics.observeOutbox(outbox.relay);

  const http = await createHttpApp({
    service: 'payments',
    version: '0.1.0',
    log,
    metrics,
    ...httpSettings(config),
    readiness: { database: database.ping, broker: bus.ping },
    errors: paymentErrors,
    openapi: {
      title: 'Payments service',
      description: 'Authorizes, captures, voids and refunds the payment of each order through a payment provider, as the order saga asks; applies the provider\'s signed webhooks once each.',
    },
  });
  const authorize = createAuthorizer(createTokenVerifier(verifierOptions(config)));
  const operations = () => operationsReport(outbox.relay, bus, Object.values(QUEUES));
  await http.register(paymentRoutes, { service, provider, authorize, operations });

  let subscriptions: Subscription[] = [];
  let reconciler: NodeJS.Timeout | undefined;
  let reconciling: Promise<unknown> | undefined;
  const reconcile = async () => {
    try {
      const asked = await service.reconcile();
      if (asked > 0) log.info({ asked }, 'asked the payment provider about unanswered operations');
    } catch (error) {
      log.error({ err: error }, 'payment reconciliation failed');
    }
  };

  return {
    http,
    service,
    outbox,
    async start() {
      await migrate(database, { schema: 'payments', migrationsFolder: MIGRATIONS });
      outbox.relay.start();
      subscriptions = await subscribeHandlers(bus, service, consumers);
      reconciler = setInterval(() => {
        reconciling ??= reconcile().finally(() => (reconciling = undefined));
      }, config.RECONCILE_INTERVAL_MS);
      reconciler.unref();
    },
    async stop() {
      clearInterval(reconciler);
      await http.close();
      await Promise.all(subscriptions.map((s) => s.cancel()));
      await reconciling;
      await service.drain();
      await outbox.relay.stop();
    },
  } satisfies ServiceApp & Record<string, unknown>;
}
