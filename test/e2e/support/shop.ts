import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { freePort, startEntry, waitReady } from '@pedidos/platform/testing';
import { startCompiled } from '../../support/compiled-entry';
import { useForFile } from '../../support/lifetime';
import { REPO_ROOT } from '../../support/service-process';

export const ADMIN = { email: 'admin@e2e.test', password: 'admin-e2e-password' };

export interface Shop {
  /** The web server: the app and every API path, as a browser sees them. */
  baseUrl: string;
  /** Each service's own address. */
  urls: { orders: string; inventory: string; payments: string; sandbox: string; identity: string };
  /** Its embedded database's data directory (removed by stop). */
  dataDir: string;
  /** Everything the launcher printed so far. */
  output(): string;
  /** Whether the launcher process is still running. */
  readonly running: boolean;
  /** SIGTERM (SIGKILL after 10 s), then removes the data directory; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ShopOptions {
  /** Extra or overriding variables for the launcher. */
  env?: Record<string, string>;
  /** Run the launcher's TypeScript sources under tsx, exactly as `npm start` does, rather than its compiled JavaScript. */
  asNpmStart?: boolean;
}

const READY_TIMEOUT_MS = 90_000;

/**
 * `npm start`'s launcher, compiled as production runs it (or as `npm start` runs it, `asNpmStart`), as a child process (identity, inventory, orders, payments, the payment sandbox and the web server in one process)
 * on free ports and a fresh embedded database (a copy of the run's empty one); resolves once the web server reports every service
 * ready. It serves web/dist (built by the browser tests' global setup, test/e2e/support/build-web.ts),
 * unless `WEB_DIST_DIR` names another.
 */
export async function startShop(opts: ShopOptions = {}): Promise<Shop> {
  // A WEB_DIST_DIR set in this process's environment is passed to the launcher and served as it is.
  const webDistDir = opts.env?.WEB_DIST_DIR ?? process.env.WEB_DIST_DIR;
  const dataDir = await mkdtemp(join(tmpdir(), 'pedidos-e2e-'));
  // A copy of the run's initialized directory (test/e2e/support/shop-data-dir.ts), as the
  // launcher would have left it after its first start: no initdb for each shop.
  const initialized = inject('shopDataDir');
  if (initialized !== undefined) await cp(initialized, dataDir, { recursive: true }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const [orders, inventory, payments, sandbox, identity, web] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const env = {
    DATA_DIR: dataDir,
    ORDERS_PORT: String(orders),
    INVENTORY_PORT: String(inventory),
    PAYMENTS_PORT: String(payments),
    SANDBOX_PORT: String(sandbox),
    IDENTITY_PORT: String(identity),
    WEB_PORT: String(web),
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '100',
    SEED_DEMO_DATA: 'false',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // Every browser and API call comes from one address: the limiters have tests of their own.
    RATE_LIMIT_PER_MIN: '0',
    LOGIN_RATE_LIMIT_PER_MIN: '10000',
    REGISTER_RATE_LIMIT_PER_MIN: '10000',
    SCRYPT_COST: '12',
    // The launcher sees only the variables given here (a test's child process gets no others).
    ...(webDistDir === undefined ? {} : { WEB_DIST_DIR: webDistDir }),
    ...opts.env,
  };
  const baseUrl = `http://127.0.0.1:${web}`;
  const launcherOptions = { name: 'launcher', cwd: REPO_ROOT, env, banner: true };
  const launcher = opts.asNpmStart ? startEntry('launcher/src/main.ts', launcherOptions) : startCompiled('launcher/src/main.ts', launcherOptions);

  async function stop(): Promise<number | null> {
    try {
      return await launcher.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  try {
    await waitReady(baseUrl, launcher, READY_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw new Error(`the shop did not start: ${(error as Error).message}`);
  }
  return {
    baseUrl,
    urls: {
      orders: `http://127.0.0.1:${orders}`, inventory: `http://127.0.0.1:${inventory}`, payments: `http://127.0.0.1:${payments}`,
      sandbox: `http://127.0.0.1:${sandbox}`, identity: `http://127.0.0.1:${identity}`,
    },
    dataDir,
    output: () => launcher.output(),
    get running() {
      return launcher.running;
    },
    stop,
  };
}

/**
 * One shop for the whole test file: started in beforeAll, stopped in afterAll whatever happened,
 * and the launcher's output printed under any failing test.
 */
export function useShop(opts: ShopOptions = {}): () => Shop {
  return useForFile(() => startShop(opts), 'shop');
}
