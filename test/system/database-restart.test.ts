import { expect, it } from 'vitest';
import { createTestDatabase, createTestVhost, eventually } from '@pedidos/platform/testing';
import { burstThroughFault, expectAllConfirmedOnce } from '../support/burst';
import { inventoryApi, ordersApi, send } from '../support/http';
import { withPostgresStopped } from '../support/postgres-server';
import { startRealSystem } from '../support/system';
import { ADMIN, startShop } from '../e2e/support/shop';

// Restarts the machine's PostgreSQL: this file runs alone, after the other system tests (the `outages` project).
const SKUS = ['RESTART-A', 'RESTART-B', 'RESTART-C'];
const PRODUCTS = SKUS.map((sku, i) => ({ sku, name: `Produto ${sku}`, price: 100 * (i + 1), onHand: 100_000 }));

interface Readiness {
  checks?: Record<string, string>;
}

/** Each service's /health/ready says 503 with the database named, its broker (if it has one) still fine. */
async function expectDatabaseNotReady(urls: string[]): Promise<void> {
  for (const url of urls) {
    const reply = await eventually(async () => {
      const answer = await send<Readiness>('GET', `${url}/health/ready`);
      return answer.status === 503 ? answer : undefined;
    }, 30_000, `${url}/health/ready answering 503`);
    expect(reply.body.checks?.database, url).toMatch(/^down/);
    if (reply.body.checks?.broker !== undefined) expect(reply.body.checks.broker, url).toBe('ok');
  }
}

/** A restart of the server mid-burst, held down until every service has said so. */
const restartPostgres = (serviceUrls: string[]) => () => withPostgresStopped(() => expectDatabaseNotReady(serviceUrls));

it('PostgreSQL restarted amid 300 orders, one process per service: both live through it and every accepted order is confirmed once', { timeout: 240_000 }, async () => {
  const system = await startRealSystem({ products: PRODUCTS });
  try {
    const { orders, inventory } = system;
    const accepted = await burstThroughFault(system.ordersApi, SKUS, {
      total: 300,
      clients: 20,
      faultAfter: 100,
      fault: restartPostgres([orders.url, inventory.url]),
    });
    expect({ orders: orders.running, inventory: inventory.running }).toEqual({ orders: true, inventory: true });

    await system.ordersApi.waitUntilNonePending(90_000);
    await expectAllConfirmedOnce(system.ordersApi, system.inventoryApi, SKUS, accepted);
    for (const url of [orders.url, inventory.url]) expect((await send('GET', `${url}/health/ready`)).status).toBe(200);
  } catch (error) {
    console.error(system.output());
    throw error;
  } finally {
    await system.stop();
  }
});

it('PostgreSQL restarted amid 300 orders under npm start on PostgreSQL and RabbitMQ: the process lives through it and every accepted order is confirmed once', { timeout: 240_000 }, async () => {
  const [db, vhost] = await Promise.all([createTestDatabase('postgres'), createTestVhost()]);
  const shop = await startShop({ env: { DATABASE_URL: db.url!, RABBITMQ_URL: vhost.url, RETRY_DELAYS_MS: '50,100,200' } }).catch(async (error) => {
    await Promise.all([db.drop(), vhost.drop()]);
    throw error;
  });
  try {
    const login = await send<{ accessToken: string }>('POST', `${shop.urls.identity}/api/auth/login`, ADMIN);
    const bearer = `Bearer ${login.body.accessToken}`;
    const stock = inventoryApi(shop.urls.inventory, bearer);
    const api = ordersApi(shop.urls.orders, bearer);
    for (const product of PRODUCTS) await stock.createProduct(product);
    // The orders service's copy of the catalog follows product.upserted.
    for (const sku of SKUS) await eventually(async () => ((await api.place([{ sku, quantity: 1 }], { 'idempotency-key': `warm-${sku}` })).status === 201 ? true : undefined), 20_000, `${sku} in the orders catalog`);

    const accepted = await burstThroughFault(api, SKUS, {
      total: 300,
      clients: 20,
      faultAfter: 100,
      fault: restartPostgres([shop.urls.orders, shop.urls.inventory, shop.urls.identity]),
    });
    expect(shop.running).toBe(true);

    await api.waitUntilNonePending(90_000);
    const warmUp = (await api.listAll()).filter((o) => !accepted.includes(o.id)).map((o) => o.id);
    expect(warmUp).toHaveLength(SKUS.length);
    await expectAllConfirmedOnce(api, stock, SKUS, [...accepted, ...warmUp]);
  } catch (error) {
    console.error(shop.output());
    throw error;
  } finally {
    await shop.stop();
    await Promise.all([db.drop(), vhost.drop()]);
  }
});
