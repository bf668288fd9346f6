import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, createTestIssuer, createTestVhost, type TestIssuer } from '@pedidos/platform/testing';
import { call, describe, poll } from './http';
import { compileServices, cpuSeconds, freePort, peakRss, startService, type ProcessMemory, type ServiceProcess } from './processes';

export interface SystemUnderTest {
  /** The orders process the bench sets up and reads through (every replica shares its database). */
  ordersUrl: string;
  /** Every orders process, `ordersUrl` first: the load is spread over them. */
  ordersUrls: string[];
  inventoryUrl: string;
  /** `Bearer …` of an admin, for every call the bench makes. */
  authorization: string;
  /** Throws when a service the bench started has died. */
  assertRunning(): void;
  /** Peak memory per service process (empty when the bench did not start them). */
  memory(): Promise<Record<string, ProcessMemory[]>>;
  /** CPU seconds used so far by each service process (empty when the bench did not start them). */
  cpuSeconds(): Promise<Record<string, number>>;
  /** The services' own log files, for the report. */
  logs: Record<string, string>;
  /** Stops what was started and removes what was created, even after a partial start. */
  stop(): Promise<void>;
}

// Variables a service reads that must come from the bench, never from the caller's shell.
const OWNED = ['DATABASE_URL', 'RABBITMQ_URL', 'PORT', 'ORDERS_PORT', 'INVENTORY_PORT', 'PAYMENTS_PORT', 'SANDBOX_PORT', 'IDENTITY_PORT', 'INVENTORY_URL', 'PAYMENT_PROVIDER_URL', 'SANDBOX_WEBHOOK_URL', 'DATA_DIR', 'LOG_LEVEL', 'SEED_DEMO_DATA', 'JWT_ISSUER', 'JWKS_URL', 'JWT_AUDIENCE', 'RATE_LIMIT_PER_MIN', 'WEB_PORT', 'WEB_CONCURRENCY'];

interface StartContext {
  repoRoot: string;
  logDir: string;
  /** Prefix of the services' log files, e.g. `real-2x` (they go to `<logDir>/<label>-<service>.log`). */
  label: string;
  signal: AbortSignal;
  say(message: string): void;
  /** Each service writes `<dir>/<label>-<service>.cpuprofile` when it stops. */
  cpuProfileDir?: string;
}

export async function startEmbedded(ctx: StartContext): Promise<SystemUnderTest> {
  return assemble(ctx, async (sut) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pedidos-bench-'));
    sut.undo(() => rm(dataDir, { recursive: true, force: true }));
    return startLauncher(ctx, sut, { DATA_DIR: dataDir });
  });
}

/** `npm start` with DATABASE_URL and RABBITMQ_URL: every service in one process on a fresh database and vhost. */
export async function startOneProcess(ctx: StartContext): Promise<SystemUnderTest> {
  return assemble(ctx, async (sut) => {
    const { database, vhost } = await freshDatabaseAndVhost(ctx, sut);
    return startLauncher(ctx, sut, { DATABASE_URL: database.url!, RABBITMQ_URL: vhost.url });
  });
}

async function startLauncher(ctx: StartContext, sut: Assembly, storage: Record<string, string>) {
  const [ordersPort, inventoryPort, paymentsPort, sandboxPort, identityPort, webPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const launcher = sut.spawn('launcher', 'launcher/src/main.ts', {
    ...storage, ORDERS_PORT: String(ordersPort), INVENTORY_PORT: String(inventoryPort), PAYMENTS_PORT: String(paymentsPort), SANDBOX_PORT: String(sandboxPort),
    IDENTITY_PORT: String(identityPort), WEB_PORT: String(webPort),
    LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false', RATE_LIMIT_PER_MIN: '0', WEB_CONCURRENCY: '1', ...sut.issuer.env,
  });
  const urls = { ordersUrl: `http://127.0.0.1:${ordersPort}`, inventoryUrl: `http://127.0.0.1:${inventoryPort}` };
  await waitReady(urls.inventoryUrl, 'inventory', launcher, ctx.signal);
  await waitReady(urls.ordersUrl, 'orders', launcher, ctx.signal);
  return { ...urls, ordersUrls: [urls.ordersUrl] };
}

async function freshDatabaseAndVhost(ctx: StartContext, sut: Assembly) {
  const database = await createTestDatabase('postgres', { name: `pedidos_bench_test_${randomBytes(4).toString('hex')}` });
  sut.undo(() => database.drop());
  const vhost = await createTestVhost();
  sut.undo(() => vhost.drop());
  ctx.say(`database ${database.url ? new URL(database.url).pathname.slice(1) : '?'}, vhost ${vhost.vhost} (removed at the end; by hand only if the bench is killed)`);
  return { database, vhost };
}

/**
 * `replicas` processes each of inventory and orders on one fresh PostgreSQL database and RabbitMQ
 * vhost, as test/support/system.ts runs them; the first of each keeps the plain service name.
 */
export async function startReal(ctx: StartContext, replicas = 1): Promise<SystemUnderTest> {
  return assemble(ctx, async (sut) => {
    const { database, vhost } = await freshDatabaseAndVhost(ctx, sut);
    // One worker per process: a replica is a process here, and CPU and memory are read per process.
    const common = { DATABASE_URL: database.url!, RABBITMQ_URL: vhost.url, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MIN: '0', WEB_CONCURRENCY: '1', ...sut.issuer.env };

    const startAll = (service: 'inventory' | 'orders', env: (i: number) => Record<string, string>) =>
      Promise.all(Array.from({ length: replicas }, async (_, i) => {
        const name = i === 0 ? service : `${service}-${i + 1}`;
        const url = `http://127.0.0.1:${await freePort()}`;
        const child = sut.spawn(name, `services/${service}/src/main.ts`, { ...common, ...env(i), PORT: new URL(url).port });
        await waitReady(url, name, child, ctx.signal);
        return url;
      }));
    // Replicas start side by side: migrations queue on an advisory lock, consumers compete on the same queues.
    const inventoryUrls = await startAll('inventory', () => ({ SEED_DEMO_DATA: 'false' }));
    // Started after inventory is ready, as the launcher does: orders copies the catalog at start.
    const ordersUrls = await startAll('orders', (i) => ({ INVENTORY_URL: inventoryUrls[i]! }));
    // The simulated card provider stands for a third party: one process, whatever the replicas.
    const [sandboxUrl, paymentsPort] = [`http://127.0.0.1:${await freePort()}`, await freePort()];
    const sandbox = sut.spawn('payment-sandbox', 'services/payments/src/sandbox-main.ts', {
      ...common, PORT: new URL(sandboxUrl).port, SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${paymentsPort}/api/payments/webhooks/sandbox`,
    });
    await waitReady(sandboxUrl, 'payment-sandbox', sandbox, ctx.signal);
    await Promise.all(Array.from({ length: replicas }, async (_, i) => {
      const name = i === 0 ? 'payments' : `payments-${i + 1}`;
      const port = i === 0 ? paymentsPort : await freePort();
      const child = sut.spawn(name, 'services/payments/src/main.ts', { ...common, PORT: String(port), PAYMENT_PROVIDER_URL: sandboxUrl });
      await waitReady(`http://127.0.0.1:${port}`, name, child, ctx.signal);
    }));
    return { ordersUrl: ordersUrls[0]!, ordersUrls, inventoryUrl: inventoryUrls[0]! };
  });
}

/** A system someone else runs: nothing to start, stop or weigh. */
export function external(ordersUrl: string, inventoryUrl: string, token: string): SystemUnderTest {
  return {
    ordersUrl, ordersUrls: [ordersUrl], inventoryUrl, authorization: `Bearer ${token}`,
    assertRunning() {}, memory: async () => ({}), cpuSeconds: async () => ({}), logs: {}, stop: async () => {},
  };
}

interface Assembly {
  /** The bench's own token issuer, which the services it starts are told to trust. */
  issuer: TestIssuer;
  undo(step: () => Promise<unknown>): void;
  spawn(name: string, script: string, env: Record<string, string>): ServiceProcess;
}

async function assemble(ctx: StartContext, start: (sut: Assembly) => Promise<{ ordersUrl: string; ordersUrls: string[]; inventoryUrl: string }>): Promise<SystemUnderTest> {
  await mkdir(ctx.logDir, { recursive: true });
  await compileServices();
  const undo: (() => Promise<unknown>)[] = [];
  const processes: ServiceProcess[] = [];
  const issuer = await createTestIssuer();
  undo.push(() => issuer.close());
  const stop = async () => {
    const failures: string[] = [];
    // Processes first (they hold connections to the database and vhost), last started first.
    for (const step of [...[...processes].reverse().map((p) => () => p.stop()), ...[...undo].reverse()]) {
      await step().catch((error: unknown) => failures.push(describe(error)));
    }
    if (failures.length > 0) throw new Error(`teardown: ${failures.join('; ')}`);
  };
  try {
    const urls = await start({
      issuer,
      undo: (step) => undo.push(step),
      spawn(name, script, env) {
        const inherited = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !OWNED.includes(k))) as Record<string, string>;
        const service = startService({
          name, script, cwd: ctx.repoRoot, env: { ...inherited, ...env }, logPath: join(ctx.logDir, `${ctx.label}-${name}.log`),
          ...(ctx.cpuProfileDir ? { cpuProfile: { dir: ctx.cpuProfileDir, name: `${ctx.label}-${name}` } } : {}),
        });
        processes.push(service);
        return service;
      },
    });
    return {
      ...urls,
      authorization: await issuer.bearer({ role: 'admin', expiresIn: 6 * 3600 }),
      assertRunning: () => processes.forEach((p) => p.assertRunning()),
      memory: async () => Object.fromEntries(await Promise.all(processes.map(async (p) => [p.name, await peakRss(p.pid)] as const))),
      cpuSeconds: async () => Object.fromEntries(await Promise.all(processes.map(async (p) => [p.name, (await cpuSeconds(p.pid)) ?? NaN] as const))),
      logs: Object.fromEntries(processes.map((p) => [p.name, p.logPath])),
      stop,
    };
  } catch (error) {
    await stop().catch((teardown: unknown) => console.error(describe(teardown)));
    throw error;
  }
}

async function waitReady(url: string, name: string, process: ServiceProcess, signal: AbortSignal): Promise<void> {
  await poll(`${name} at ${url} to be ready`, async () => {
    const reply = await call(`${url}/health/ready`, { signal, timeoutMs: 2_000 });
    if (reply.status === 200) return true;
    throw new Error(`${reply.status} ${JSON.stringify(reply.body)}`);
  }, { timeoutMs: 90_000, everyMs: 100, signal, guard: () => process.assertRunning() });
}
