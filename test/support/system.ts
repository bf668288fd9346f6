import { createTestDatabase, createTestIssuer, createTestVhost, freePort } from '@pedidos/platform/testing';
import { brokerProbe, type BrokerProbe } from './broker';
import { useForFile } from './lifetime';
import { inventoryApi, ordersApi, paymentsApi, sandboxApi, type InventoryApi, type NewProduct, type OrdersApi, type PaymentsApi, type SandboxApi } from './http';
import { shutDown, startService, type ServiceHandle } from './service-process';

export interface SystemOptions {
  /** false: only inventory starts; `startOrders()` starts orders later. */
  orders?: boolean;
  /** Created on inventory before orders starts, so orders' startup copy of the catalog holds them. */
  products?: NewProduct[];
  /** Extra or overriding variables for both services. */
  env?: Record<string, string>;
  /** The database URL the services are given, from the test database's own (e.g. through a proxy). */
  serviceDatabaseUrl?: (url: string) => string;
  /** Extra or overriding variables for the payments service. */
  paymentsEnv?: Record<string, string>;
}

export interface RealSystem {
  databaseUrl: string;
  rabbitmqUrl: string;
  vhost: string;
  inventory: ServiceHandle;
  /** Throws until orders has been started. */
  readonly orders: ServiceHandle;
  inventoryApi: InventoryApi;
  readonly ordersApi: OrdersApi;
  /** The payments service and the simulated card provider it talks to, started with orders. */
  readonly payments: ServiceHandle;
  readonly sandbox: ServiceHandle;
  readonly paymentsApi: PaymentsApi;
  readonly sandboxApi: SandboxApi;
  broker: BrokerProbe;
  startOrders(): Promise<ServiceHandle>;
  /** One more process of a service on the same database and vhost, with its own port and an API client. */
  startReplica(name: 'orders' | 'inventory'): Promise<{ service: ServiceHandle; ordersApi: OrdersApi; inventoryApi: InventoryApi }>;
  /** Both services' captured stdout and stderr. */
  output(): string;
  /** Stops every service and drops the database and vhost. */
  stop(): Promise<void>;
}

const BASE_ENV = {
  LOG_LEVEL: 'warn',
  OUTBOX_POLL_MS: '100',
  RETRY_DELAYS_MS: '50,100,200',
  // An unanswered payment operation is asked about again within seconds, not half a minute.
  PROVIDER_TIMEOUT_MS: '1000',
  RECONCILE_AFTER_MS: '1500',
  RECONCILE_INTERVAL_MS: '200',
  SANDBOX_SLOW_MS: '3000',
  SANDBOX_ASYNC_DELAY_MS: '300',
  SEED_DEMO_DATA: 'false',
  // The tests poll hard from one address; the limiter has tests of its own.
  RATE_LIMIT_PER_MIN: '0',
};

/** A fresh PostgreSQL database and RabbitMQ vhost, with inventory and then orders running against them as processes. */
export async function startRealSystem(opts: SystemOptions = {}): Promise<RealSystem> {
  const [db, vhost, issuer] = await Promise.all([createTestDatabase('postgres'), createTestVhost(), createTestIssuer()]);
  // Long-lived: a system test may outlast the default 15 minutes on a slow machine.
  const admin = await issuer.bearer({ role: 'admin', expiresIn: 3600 });
  const env = { ...BASE_ENV, DATABASE_URL: opts.serviceDatabaseUrl?.(db.url!) ?? db.url!, RABBITMQ_URL: vhost.url, ...issuer.env, ...opts.env };
  const broker = brokerProbe(vhost.url);
  let inventory: ServiceHandle | undefined;
  let orders: ServiceHandle | undefined;
  let ordersClient: OrdersApi | undefined;
  let payments: ServiceHandle | undefined;
  let sandbox: ServiceHandle | undefined;
  const replicas: ServiceHandle[] = [];

  // Every step is tried even if an earlier one failed; the failures are reported together.
  async function stop(): Promise<void> {
    const results = [...(await Promise.allSettled([...replicas, payments, sandbox, orders, inventory].map((s) => shutDown(s))))];
    await broker.close();
    results.push(...(await Promise.allSettled([db.drop(), vhost.drop(), issuer.close()])));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    if (errors.length > 0) throw new AggregateError(errors, 'system teardown failed');
  }

  try {
    inventory = await startService('inventory', env);
    const inventoryClient = inventoryApi(inventory.url, admin);
    for (const product of opts.products ?? []) await inventoryClient.createProduct(product);

    const system: RealSystem = {
      databaseUrl: db.url!,
      rabbitmqUrl: vhost.url,
      vhost: vhost.vhost,
      inventory,
      get orders() {
        if (!orders) throw new Error('orders has not been started');
        return orders;
      },
      inventoryApi: inventoryClient,
      get ordersApi() {
        if (!ordersClient) throw new Error('orders has not been started');
        return ordersClient;
      },
      get payments() {
        if (!payments) throw new Error('payments has not been started');
        return payments;
      },
      get sandbox() {
        if (!sandbox) throw new Error('the payment sandbox has not been started');
        return sandbox;
      },
      get paymentsApi() {
        return paymentsApi(system.payments.url, admin);
      },
      get sandboxApi() {
        return sandboxApi(system.sandbox.url);
      },
      broker,
      async startOrders() {
        if (orders) throw new Error('orders already started');
        // The three start side by side, as a deployment starts them: each waits for the others
        // through the broker, and the provider and the payments service call each other by the
        // ports chosen here.
        const [paymentsPort, sandboxPort] = [String(await freePort()), String(await freePort())];
        const started = await Promise.allSettled([
          startService('orders', { ...env, INVENTORY_URL: inventory!.url }).then((s) => (orders = s)),
          startService('payment-sandbox', { ...env, PORT: sandboxPort, SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${paymentsPort}/api/payments/webhooks/sandbox` }).then((s) => (sandbox = s)),
          startService('payments', { ...env, PORT: paymentsPort, PAYMENT_PROVIDER_URL: `http://127.0.0.1:${sandboxPort}`, ...opts.paymentsEnv }).then((s) => (payments = s)),
        ]);
        const failed = started.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        ordersClient = ordersApi(orders!.url, admin);
        return orders!;
      },
      async startReplica(name) {
        const service = await startService(name, { ...env, INVENTORY_URL: inventory!.url });
        replicas.push(service);
        return { service, ordersApi: ordersApi(service.url, admin), inventoryApi: inventoryApi(service.url, admin) };
      },
      output: () => [inventory?.output(), orders?.output(), payments?.output(), sandbox?.output(), ...replicas.map((r) => r.output())].filter(Boolean).join('\n'),
      stop,
    };
    if (opts.orders !== false) await system.startOrders();
    return system;
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/**
 * One system for the whole test file: started in beforeAll, torn down in afterAll (whatever
 * happened), and the services' output printed under any failing test.
 */
export function useRealSystem(opts: SystemOptions = {}): () => RealSystem {
  return useForFile(() => startRealSystem(opts), 'system');
}
