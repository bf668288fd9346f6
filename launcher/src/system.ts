import { loadConfig, commonConfigSpec, optional, port, string, type Env } from '@pedidos/platform/config';
import { createLogger, type Logger } from '@pedidos/platform/logger';
import { openBusFor, openDatabaseFor } from '@pedidos/platform/runtime';
import { buildIdentity } from '@pedidos/identity/app';
import { loadIdentityConfig } from '@pedidos/identity/config';
import { buildInventory } from '@pedidos/inventory/app';
import { inventoryConfigSpec } from '@pedidos/inventory/config';
import { buildOrders } from '@pedidos/orders/app';
import { ordersConfigSpec } from '@pedidos/orders/config';
import { WEB_DIST_DIR } from './web-build';
import { createWebServer } from './web-server';

/** What only the one-process shape reads: a port per service instead of one PORT. */
export const launcherConfigSpec = {
  ...commonConfigSpec,
  ORDERS_PORT: port(5000),
  INVENTORY_PORT: port(5001),
  IDENTITY_PORT: port(5003),
  WEB_PORT: port(3000),
  /** A built web app to serve instead of web/dist, which is then not built at start. */
  WEB_DIST_DIR: optional(string()),
};

export type System = Awaited<ReturnType<typeof startSystem>>;
export type SystemConfig = ReturnType<typeof loadSystemConfig>;

/** Each service still reads its own variables, exactly as it would alone; only PORT differs. */
export function loadSystemConfig(env: Env) {
  const config = loadConfig(env, launcherConfigSpec);
  const issuer = `http://127.0.0.1:${config.IDENTITY_PORT}`;
  return {
    config,
    identity: loadIdentityConfig({ JWT_ISSUER: issuer, ...env, PORT: String(config.IDENTITY_PORT) }),
    inventory: loadConfig({ JWT_ISSUER: issuer, ...env, PORT: String(config.INVENTORY_PORT) }, inventoryConfigSpec),
    orders: loadConfig(
      { JWT_ISSUER: issuer, INVENTORY_URL: `http://127.0.0.1:${config.INVENTORY_PORT}`, ...env, PORT: String(config.ORDERS_PORT) },
      ordersConfigSpec,
    ),
  };
}

/** Every service in this process, sharing one database (each in its own schema) and one bus. */
export async function startSystem(
  { config, identity: identityConfig, inventory: inventoryConfig, orders: ordersConfig }: SystemConfig,
  log: Logger = createLogger({ level: config.LOG_LEVEL, service: 'launcher' }),
) {
  const urls = {
    orders: `http://127.0.0.1:${config.ORDERS_PORT}`,
    inventory: `http://127.0.0.1:${config.INVENTORY_PORT}`,
    identity: `http://127.0.0.1:${config.IDENTITY_PORT}`,
    web: `http://127.0.0.1:${config.WEB_PORT}`,
  };
  // Before anything opens: a missing bundle stops the start with nothing to undo.
  const web = await createWebServer({
    distDir: config.WEB_DIST_DIR ?? WEB_DIST_DIR,
    ordersUrl: urls.orders,
    inventoryUrl: urls.inventory,
    identityUrl: urls.identity,
    log: createLogger({ level: config.LOG_LEVEL, service: 'web' }),
  });
  const database = await openDatabaseFor(config, log);
  const bus = await openBusFor(config, log);
  const identity = await buildIdentity({ database, bus, log: createLogger({ level: config.LOG_LEVEL, service: 'identity' }), config: identityConfig });
  const inventory = await buildInventory({ database, bus, log: createLogger({ level: config.LOG_LEVEL, service: 'inventory' }), config: inventoryConfig });
  const orders = await buildOrders({ database, bus, log: createLogger({ level: config.LOG_LEVEL, service: 'orders' }), config: ordersConfig });

  // Identity first: the others fetch its keys to check tokens. Then inventory: orders copies its catalog at start.
  await identity.start();
  const identityUrl = await identity.http.listen({ port: config.IDENTITY_PORT, host: '0.0.0.0' });
  await inventory.start();
  const inventoryUrl = await inventory.http.listen({ port: config.INVENTORY_PORT, host: '0.0.0.0' });
  await orders.start();
  const ordersUrl = await orders.http.listen({ port: config.ORDERS_PORT, host: '0.0.0.0' });
  // Last: the browser's way in opens once everything behind it answers.
  const webUrl = await web.listen({ port: config.WEB_PORT, host: '0.0.0.0' });
  log.info({ web: webUrl, orders: ordersUrl, inventory: inventoryUrl, identity: identityUrl }, 'all services listening');

  return {
    orders,
    inventory,
    identity,
    database,
    bus,
    web,
    urls,
    async stop() {
      await web.close();
      await orders.stop();
      await inventory.stop();
      await identity.stop();
      await bus.close();
      await database.close();
    },
  };
}
