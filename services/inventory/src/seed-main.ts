// `npm run seed`: loads the demo catalog into an empty inventory and exits. Running it again
// changes nothing. Its product.upserted events wait in the outbox for the service's relay.
import { exitOnConfigError, loadConfig } from '@pedidos/platform/config';
import { migrate } from '@pedidos/platform/db';
import { createLogger } from '@pedidos/platform/logger';
import { createOutbox, type Bus } from '@pedidos/platform/messaging';
import { openDatabaseFor } from '@pedidos/platform/runtime';
import { MIGRATIONS } from './app';
import { inventoryConfigSpec } from './config';
import { outbox as outboxTable } from './db/schema';
import { DEMO_CATALOG } from './demo-catalog';
import { createInventoryService } from './inventory-service';

const config = exitOnConfigError(() => loadConfig(process.env, inventoryConfigSpec));
const log = createLogger({ level: config.LOG_LEVEL, service: 'inventory-seed' });
const database = await openDatabaseFor(config, log);
try {
  await migrate(database, { schema: 'inventory', migrationsFolder: MIGRATIONS });
  // No relay runs here: the bus is never reached, the service's own relay publishes later.
  const unreachable = {} as Bus;
  const service = createInventoryService({ db: database.db, outbox: createOutbox({ db: database.db, table: outboxTable, bus: unreachable }) });
  const loaded = await service.seed(DEMO_CATALOG);
  log.info({ products: loaded }, loaded > 0 ? 'demo catalog loaded' : 'products already exist; nothing loaded');
} finally {
  await database.close();
}
