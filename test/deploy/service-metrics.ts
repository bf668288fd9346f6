import { afterAll, beforeAll, expect } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { createTestIssuer, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { buildIdentity } from '../../services/identity/src/app';
import { identityConfigSpec } from '../../services/identity/src/config';
import { buildInventory } from '../../services/inventory/src/app';
import { inventoryConfigSpec } from '../../services/inventory/src/config';
import { buildOrders } from '../../services/orders/src/app';
import { ordersConfigSpec } from '../../services/orders/src/config';
import { buildPayments } from '../../services/payments/src/app';
import { paymentsConfigSpec } from '../../services/payments/src/config';
import { parseExposition } from './doc-mentions';

export interface ServiceMetrics {
  exposition: ReturnType<typeof parseExposition>;
  /** Whether the orders service has the route the accept-latency queries name. */
  ordersPlacedAt: boolean;
}

/**
 * Every service on the embedded shape, as its component tests build it, scraped once for the
 * file's tests: its registry is what production exports (the transport and database do not
 * change the metric names).
 */
export function useServiceMetrics(): () => ServiceMetrics {
  let metrics: ServiceMetrics | undefined;
  let adapters: TestAdapters[] = [];
  let issuer: TestIssuer | undefined;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    adapters = await Promise.all([0, 1, 2, 3].map(() => openTestAdapters('embedded')));
    const [forOrders, forInventory, forIdentity, forPayments] = adapters as [TestAdapters, TestAdapters, TestAdapters, TestAdapters];
    const apps = [
      await buildOrders({ ...forOrders, config: loadConfig({ INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env }, ordersConfigSpec) }),
      await buildInventory({ ...forInventory, config: loadConfig({ SEED_DEMO_DATA: 'false', ...issuer.env }, inventoryConfigSpec) }),
      await buildIdentity({ ...forIdentity, config: loadConfig({ NODE_ENV: 'test', SCRYPT_COST: '10' }, identityConfigSpec) }),
      // Nothing listens at the provider's address: nothing here pays.
      await buildPayments({ ...forPayments, config: loadConfig({ PAYMENT_PROVIDER_URL: 'http://127.0.0.1:9', ...issuer.env }, paymentsConfigSpec) }),
    ];
    const ordersPlacedAt = apps[0]!.http.hasRoute({ method: 'POST', url: '/api/orders' });
    const scrapes: string[] = [];
    try {
      for (const app of apps) {
        await app.start();
        // One request first, so the latency histogram has its labelled series.
        expect((await app.http.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
        const response = await app.http.inject({ method: 'GET', url: '/metrics' });
        expect(response.statusCode).toBe(200);
        scrapes.push(response.body);
      }
    } finally {
      for (const app of apps) await app.stop();
    }
    metrics = { exposition: parseExposition(scrapes.join('\n')), ordersPlacedAt };
  });
  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    await issuer?.close();
  });
  return () => {
    if (!metrics) throw new Error('the services were not scraped');
    return metrics;
  };
}
