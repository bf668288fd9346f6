import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitReady } from './lifetime';

export type ServiceName = 'orders' | 'inventory';

export interface ServiceHandle {
  readonly name: ServiceName;
  /** `http://127.0.0.1:<port>`; the port stays the same across restarts. */
  readonly url: string;
  readonly running: boolean;
  /** Everything the process (and earlier runs of it) wrote, most recent last. */
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** Starts it again with the same environment and port; resolves once it is ready. */
  restart(): Promise<void>;
}

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const OUTPUT_LIMIT = 512 * 1024;

// Every child any harness started in this worker; reaped when the worker exits, whatever happened.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A port nothing listens on right now (the OS picks it; we close before the service binds). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  server.close();
  await once(server, 'close');
  return address.port;
}

/**
 * Runs `services/<name>/src/main.ts` as its own process and waits for `/health/ready`.
 * Node loads tsx in-process (`--import tsx`) instead of through the `tsx` CLI, whose wrapper
 * process would take a SIGKILL alone and leave the real service running as an orphan.
 */
export async function startService(name: ServiceName, env: Record<string, string>): Promise<ServiceHandle> {
  const port = Number(env.PORT ?? (await freePort()));
  const url = `http://127.0.0.1:${port}`;
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, PORT: String(port) };
  let log = '';
  let child: ChildProcess | null = null;
  let exited: Promise<number | null> = Promise.resolve(null);

  const append = (text: string) => {
    log += text;
    if (log.length > OUTPUT_LIMIT) log = log.slice(-OUTPUT_LIMIT);
  };

  async function launch(): Promise<void> {
    const proc = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`], {
      cwd: REPO_ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    live.add(proc);
    append(`--- ${name} started (pid ${proc.pid}) on ${url}\n`);
    proc.stdout!.setEncoding('utf8').on('data', append);
    proc.stderr!.setEncoding('utf8').on('data', append);
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        if (child === proc) child = null;
        append(`--- ${name} (pid ${proc.pid}) exited with ${signal ?? code}\n`);
        resolve(code);
      });
    });
    try {
      await waitReady(url, () => child === proc, READY_TIMEOUT_MS);
    } catch (error) {
      proc.kill('SIGKILL');
      await exited;
      throw new Error(`${name} did not become ready: ${(error as Error).message}\n${log}`);
    }
  }

  async function signal(sig: NodeJS.Signals): Promise<number | null> {
    const proc = child;
    if (!proc) return null;
    proc.kill(sig);
    return exited;
  }

  await launch();
  return {
    name,
    url,
    get running() {
      return child !== null;
    },
    output: () => log,
    stop: () => signal('SIGTERM'),
    kill: async () => void (await signal('SIGKILL')),
    async restart() {
      if (child) throw new Error(`${name} is still running`);
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
