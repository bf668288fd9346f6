// A database outage longer than all the retries: the messages that arrive meanwhile wait for it
// instead of filling the dead-letter queue, and are handled once it is back.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent, type BusSignal } from '@pedidos/platform/messaging';
import { eventProbe, eventually, openTestAdapters, type TestAdapters } from '@pedidos/platform/testing';
import { EXCHANGES, NEW_ORDERS_QUEUE, SOURCES } from '@pedidos/contracts/events';
import { buildInventory } from '../src/app';
import { inventoryConfigSpec } from '../src/config';

/** Runs `sql` on the server's maintenance database, next to the test's own. */
async function asAdmin(databaseUrl: string, sql: string): Promise<void> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('inventory while its database is down (real shape)', () => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildInventory>>;
  let name = '';
  const allowConnections = (allow: boolean) => asAdmin(adapters.urls.database!, `alter database "${name}" allow_connections ${allow}`);

  beforeAll(async () => {
    adapters = await openTestAdapters('real');
    name = new URL(adapters.urls.database!).pathname.slice(1);
    const config = loadConfig({ SEED_DEMO_DATA: 'false', OUTBOX_POLL_MS: '100', JWKS_URL: 'http://127.0.0.1:9/jwks' }, inventoryConfigSpec);
    app = await buildInventory({ ...adapters, config });
    await app.start();
  });
  afterAll(async () => {
    // Whatever happened, the database takes connections again so that it can be dropped.
    if (name) await allowConnections(true);
    await app?.stop();
    await adapters?.close();
  });

  it('spends no attempt on an order that arrives during the outage, and reserves it once the database is back', async () => {
    await app.service.seed([{ sku: 'OUTAGE-1', name: 'Outage', price: 100, onHand: 5 }]);
    const probe = await eventProbe(adapters.bus, [{ exchange: EXCHANGES.inventory, routingKey: 'stock.*' }]);
    const signals: BusSignal[] = [];
    adapters.bus.on((signal) => signals.push(signal));

    await allowConnections(false);
    await asAdmin(adapters.urls.database!, `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`);
    const orderId = randomUUID();
    await adapters.bus.publish(EXCHANGES.orders, [cloudEvent({
      source: SOURCES.orders, type: 'order.created', subject: orderId,
      data: { orderId, number: 1, customerId: randomUUID(), currency: 'BRL', createdAt: new Date().toISOString(), items: [{ sku: 'OUTAGE-1', quantity: 2, unitPrice: 100 }], total: 200 },
    })]);

    // Many more failures than the retries a message gets (two in tests), none of them final.
    await eventually(async () => (signals.filter((s) => s.kind === 'retry' && s.queue === NEW_ORDERS_QUEUE).length >= 6 ? true : undefined), 20_000, 'six failed deliveries');
    expect(signals.filter((s) => s.kind === 'dead')).toEqual([]);
    expect(new Set(signals.filter((s) => s.kind === 'retry').map((s) => s.attempt))).toEqual(new Set([1]));

    await allowConnections(true);
    const answer = await probe.next((e) => (e.data as { orderId: string }).orderId === orderId);
    expect(answer.type).toBe('stock.reserved');
    expect(await adapters.bus.queueDepth(`${NEW_ORDERS_QUEUE}.dlq`)).toBe(0);
    await probe.cancel();
  });
});
