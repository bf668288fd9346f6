import { fileURLToPath } from 'node:url';
import { freePort, waitReady, type TestProcess } from '@pedidos/platform/testing';
import { startCompiled } from './compiled-entry';

/** Each process the system tests run, by the entry it starts. */
const ENTRY = {
  orders: 'services/orders/src/main.ts',
  inventory: 'services/inventory/src/main.ts',
  payments: 'services/payments/src/main.ts',
  'payment-sandbox': 'services/payments/src/sandbox-main.ts',
} as const;

export type ServiceName = keyof typeof ENTRY;

export interface ServiceHandle {
  readonly name: ServiceName;
  /** `http://127.0.0.1:<port>`; the port stays the same across restarts. */
  readonly url: string;
  readonly running: boolean;
  /** Everything the process (and earlier runs of it) wrote, most recent last. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after a minute); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** Starts it again with the same environment and port; resolves once it is ready. */
  restart(): Promise<void>;
}

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const OUTPUT_LIMIT = 512 * 1024;

/** Runs a service's entry as its own process and waits for `/health/ready`. */
export async function startService(name: ServiceName, env: Record<string, string>): Promise<ServiceHandle> {
  const port = Number(env.PORT ?? (await freePort()));
  const url = `http://127.0.0.1:${port}`;
  // The output of the runs before the current one: output() spans restarts.
  let earlier = '';
  let child: TestProcess | null = null;

  async function launch(): Promise<void> {
    const proc = startCompiled(ENTRY[name], { name: `${name} on ${url}`, cwd: REPO_ROOT, env: { ...env, PORT: String(port) }, banner: true });
    child = proc;
    void proc.exited.then(() => {
      earlier = (earlier + proc.output()).slice(-OUTPUT_LIMIT);
      if (child === proc) child = null;
    });
    try {
      await waitReady(url, proc, READY_TIMEOUT_MS);
    } catch (error) {
      await proc.stop({ signal: 'SIGKILL' });
      throw new Error(`${name} did not become ready: ${(error as Error).message}`);
    }
  }

  await launch();
  return {
    name,
    url,
    get running() {
      return child?.running ?? false;
    },
    output: () => (earlier + (child?.output() ?? '')).slice(-OUTPUT_LIMIT),
    stop: async () => (child ? child.stop({ graceMs: 60_000 }) : null),
    kill: async () => void (await child?.stop({ signal: 'SIGKILL' })),
    async restart() {
      if (child?.running) throw new Error(`${name} is still running`);
      await launch();
    },
  };
}

/** SIGTERM, and SIGKILL if it has not exited within `graceMs`: teardown never hangs on a stuck child. */
export async function shutDown(service: ServiceHandle | null | undefined, graceMs = 10_000): Promise<void> {
  if (!service?.running) return;
  const timer = setTimeout(() => void service.kill(), graceMs);
  try {
    await service.stop();
  } finally {
    clearTimeout(timer);
  }
}
