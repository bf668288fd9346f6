import { fileURLToPath } from 'node:url';
import type { ConfigOf } from '@pedidos/platform/config';
import { createAuthorizer, createTokenVerifier, verifierOptions } from '@pedidos/platform/auth';
import { migrate } from '@pedidos/platform/db';
import { createHttpApp, httpSettings } from '@pedidos/platform/http';
import { createMetrics } from '@pedidos/platform/metrics';
import { createOutbox, operationsReport, type Subscription } from '@pedidos/platform/messaging';
import type { Adapters, ServiceApp } from '@pedidos/platform/runtime';
import type { inventoryConfigSpec } from './config';
import { DEMO_CATALOG } from './demo-catalog';
import { outbox as outboxTable } from './db/schema';
import { inventoryErrors } from './http/errors';
import { inventoryRoutes } from './http/routes';
import { createInventoryService } from './inventory-service';
import { QUEUES, subscribeHandlers } from './messaging/handlers';

export const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

export async function buildInventory({ database, bus, log, config }: Adapters & { config: ConfigOf<typeof inventoryConfigSpec> }) {
  const outbox = createOutbox({ db: database.db, table: outboxTable, bus, log, pollIntervalMs: config.OUTBOX_POLL_MS });
  const service = createInventoryService({ db: database.db, outbox });
  const metrics = createMetrics({ service: 'inventory' });
  metrics.observeBus(bus, Object.values(QUEUES));
  metrics.observeQueues(bus, Object.values(QUEUES));
  const consumers = { prefetch: config.CONSUMER_PREFETCH, dependsOn: database.ping, onBatch: metrics.observeBatch };
  metrics.observeOutbox(outbox.relay);

  const http = await createHttpApp({
    service: 'inventory',
    version: '0.1.0',
    log,
    metrics,
    ...httpSettings(config),
    readiness: { database: database.ping, broker: bus.ping },
    errors: inventoryErrors,
    openapi: {
      title: 'Inventory service',
      description: 'Products, prices, stock and the stock ledger. Reserves stock for new orders from the `novos_pedidos` queue.',
    },
  });
  const authorize = createAuthorizer(createTokenVerifier(verifierOptions(config)));
  const operations = () => operationsReport(outbox.relay, bus, Object.values(QUEUES));
  await http.register(inventoryRoutes, { service, authorize, operations });

  let subscriptions: Subscription[] = [];
  return {
    http,
    service,
    outbox,
    async start() {
      await migrate(database, { schema: 'inventory', migrationsFolder: MIGRATIONS });
      if (config.SEED_DEMO_DATA) {
        const loaded = await service.seed(DEMO_CATALOG);
        if (loaded > 0) log.info({ products: loaded }, 'demo catalog loaded');
      }
      outbox.relay.start();
      subscriptions = await subscribeHandlers(bus, service, consumers);
    },
    async stop() {
      await http.close();
      await Promise.all(subscriptions.map((s) => s.cancel()));
      await outbox.relay.stop();
    },
  } satisfies ServiceApp & Record<string, unknown>;
}
