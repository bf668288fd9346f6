import { connect, createServer, type AddressInfo } from 'node:net';
import { loadConfig, commonConfigSpec, optional, port, string, type Env } from '@pedidos/platform/config';
import { createLogger, type Logger } from '@pedidos/platform/logger';
import { openBusFor, openDatabaseFor } from '@pedidos/platform/runtime';
import { buildIdentity } from '@pedidos/identity/app';
import { loadIdentityConfig } from '@pedidos/identity/config';
import { buildInventory } from '@pedidos/inventory/app';
import { inventoryConfigSpec } from '@pedidos/inventory/config';
import { buildOrders } from '@pedidos/orders/app';
import { ordersConfigSpec } from '@pedidos/orders/config';
import { buildPayments } from '@pedidos/payments/app';
import { paymentsConfigSpec } from '@pedidos/payments/config';
import { createSandbox } from '@pedidos/payments/sandbox';
import { WEB_DIST_DIR } from './web-build';
import { createWebServer } from './web-server';

/** What only the one-process shape reads: a port per service instead of one PORT. */
export const launcherConfigSpec = {
  ...commonConfigSpec,
  ORDERS_PORT: port(5000),
  INVENTORY_PORT: port(5001),
  PAYMENTS_PORT: port(5002),
  IDENTITY_PORT: port(5003),
  /** The simulated card provider the payments service talks to (as it would to a real one, over HTTP). */
  SANDBOX_PORT: port(5009),
  WEB_PORT: port(3000),
  /** A built web app to serve instead of web/dist, which is then not built at start. */
  WEB_DIST_DIR: optional(string()),
};

/**
 * The loopback address the web server connects to the services from, so that they can trust it by
 * that address and nobody else: a local caller of their ports comes from 127.0.0.1. Linux routes
 * all of 127.0.0.0/8 to lo; other systems may need it added (`ifconfig lo0 alias 127.0.0.2`).
 */
export const WEB_SOURCE_ADDRESS = '127.0.0.2';

export type System = Awaited<ReturnType<typeof startSystem>>;
export type SystemConfig = ReturnType<typeof loadSystemConfig>;

/**
 * Each service still reads its own variables, exactly as it would alone; only PORT differs, and
 * TRUST_PROXY, which here names the proxies in front of the web server: the services trust the web
 * server alone (startSystem).
 */
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
    payments: loadConfig(
      { JWT_ISSUER: issuer, PAYMENT_PROVIDER_URL: `http://127.0.0.1:${config.SANDBOX_PORT}`, ...env, PORT: String(config.PAYMENTS_PORT) },
      paymentsConfigSpec,
    ),
  };
}

/** Every service in this process, sharing one database (each in its own schema) and one bus. */
export async function startSystem(
  { config, identity: identityConfig, inventory: inventoryConfig, orders: ordersConfig, payments: paymentsConfig }: SystemConfig,
  log: Logger = createLogger({ level: config.LOG_LEVEL, service: 'launcher' }),
) {
  const urls = {
    orders: `http://127.0.0.1:${config.ORDERS_PORT}`,
    inventory: `http://127.0.0.1:${config.INVENTORY_PORT}`,
    payments: `http://127.0.0.1:${config.PAYMENTS_PORT}`,
    identity: `http://127.0.0.1:${config.IDENTITY_PORT}`,
    web: `http://127.0.0.1:${config.WEB_PORT}`,
  };
  const proxySource = (await canConnectFrom(WEB_SOURCE_ADDRESS)) ? WEB_SOURCE_ADDRESS : undefined;
  // Before anything opens: a missing bundle stops the start with nothing to undo.
  const web = await createWebServer({
    distDir: config.WEB_DIST_DIR ?? WEB_DIST_DIR,
    ordersUrl: urls.orders,
    inventoryUrl: urls.inventory,
    paymentsUrl: urls.payments,
    identityUrl: urls.identity,
    log: createLogger({ level: config.LOG_LEVEL, service: 'web' }),
    trustProxy: config.TRUST_PROXY,
    localAddress: proxySource,
  });
  if (!proxySource) {
    log.warn(`cannot connect from ${WEB_SOURCE_ADDRESS}: the services trust no proxy, so their per-address rate limits count every client of the web server as one`);
  }
  // X-Forwarded-For is believed from the web server's address only, never from a caller of the services' own ports.
  const trust = { TRUST_PROXY: proxySource ? [proxySource] : false };
  const database = await openDatabaseFor(config, log);
  const bus = await openBusFor(config, log);
  const identity = await buildIdentity({ database, bus, log: createLogger({ level: config.LOG_LEVEL, service: 'identity' }), config: { ...identityConfig, ...trust } });
  const inventory = await buildInventory({ database, bus, log: createLogger({ level: config.LOG_LEVEL, service: 'inventory' }), config: { ...inventoryConfig, ...trust } });
  const orders = await buildOrders({ database, bus, log: createLogger({ level: config.LOG_LEVEL, service: 'orders' }), config: { ...ordersConfig, ...trust } });
  const payments = await buildPayments({ database, bus, log: createLogger({ level: config.LOG_LEVEL, service: 'payments' }), config: { ...paymentsConfig, ...trust } });
  const sandbox = createSandbox({
    webhookUrl: `${urls.payments}/api/payments/webhooks/sandbox`,
    webhookSecret: paymentsConfig.PAYMENT_WEBHOOK_SECRET.split(',')[0]!.trim(),
    apiKey: paymentsConfig.PAYMENT_PROVIDER_API_KEY,
    log: createLogger({ level: config.LOG_LEVEL, service: 'payment-sandbox' }),
  });

  // Identity first: the others fetch its keys to check tokens. Then inventory: orders copies its catalog at start.
  await identity.start();
  const identityUrl = await identity.http.listen({ port: config.IDENTITY_PORT, host: '0.0.0.0' });
  await inventory.start();
  const inventoryUrl = await inventory.http.listen({ port: config.INVENTORY_PORT, host: '0.0.0.0' });
  await orders.start();
  const ordersUrl = await orders.http.listen({ port: config.ORDERS_PORT, host: '0.0.0.0' });
  // The provider only on this machine: it stands for a third party, not for a service of ours.
  const sandboxUrl = await sandbox.listen(config.SANDBOX_PORT, '127.0.0.1');
  await payments.start();
  const paymentsUrl = await payments.http.listen({ port: config.PAYMENTS_PORT, host: '0.0.0.0' });
  // Last: the browser's way in opens once everything behind it answers.
  const webUrl = await web.listen({ port: config.WEB_PORT, host: '0.0.0.0' });
  log.info({ web: webUrl, orders: ordersUrl, inventory: inventoryUrl, payments: paymentsUrl, identity: identityUrl, paymentSandbox: sandboxUrl, trustedProxy: proxySource ?? null }, 'all services listening');

  return {
    orders,
    inventory,
    payments,
    sandbox,
    identity,
    database,
    bus,
    web,
    urls,
    async stop() {
      await web.close();
      await payments.stop();
      await sandbox.close();
      await orders.stop();
      await inventory.stop();
      await identity.stop();
      await bus.close();
      await database.close();
    },
  };
}

/** Whether this host lets a socket connect to 127.0.0.1 from `localAddress`, seen by the other end as that address. */
export async function canConnectFrom(localAddress: string, timeoutMs = 1_000): Promise<boolean> {
  const server = createServer();
  const seen = new Promise<string | undefined>((resolve) => {
    server.once('connection', (socket) => {
      resolve(socket.remoteAddress);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, localAddress });
  let timer: NodeJS.Timeout | undefined;
  try {
    const peer = await Promise.race([
      seen,
      new Promise<undefined>((resolve) => {
        client.once('error', () => resolve(undefined));
        timer = setTimeout(resolve, timeoutMs, undefined);
      }),
    ]);
    return peer === localAddress;
  } finally {
    clearTimeout(timer);
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
