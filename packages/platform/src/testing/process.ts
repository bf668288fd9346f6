// The one module through which tests start processes. It lives here, not in test/support,
// because the services' own tests start their entry points too and `@pedidos/platform/testing`
// is the test-support module every project imports.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { eventually } from './eventually';

const OUTPUT_LIMIT = 512 * 1024;

// The lifeline: every child a test started in this worker is killed when the worker ends,
// whatever happened to the test that started it. vitest ends its workers with SIGTERM, which
// skips 'exit' listeners: that signal reaps the children too, then ends the worker as it would have.
// Installed with the first child, so importing this module changes nothing for a worker that starts none.
const live = new Set<ChildProcess>();
const reap = () => {
  for (const child of live) child.kill('SIGKILL');
};
let lifeline = false;
function adopt(child: ChildProcess): void {
  live.add(child);
  if (lifeline) return;
  lifeline = true;
  process.once('exit', reap);
  process.once('SIGTERM', () => {
    reap();
    process.kill(process.pid, 'SIGTERM');
  });
}

export interface StartOptions {
  /** Names the process in its output's start and exit lines and in errors. */
  name: string;
  /** Added to PATH and HOME, the only variables taken from the test's own environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Write a line to the output when the process starts and when it exits, for logs that span restarts. */
  banner?: boolean;
}

export interface TestProcess {
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Its stdout and stderr as written (the last 512 KiB). */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it) once the process has exited. */
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  /**
   * `signal` (SIGTERM unless told), then SIGKILL if it is still running after `graceMs`, so a
   * teardown never hangs on a stuck child; resolves with the exit code.
   */
  stop(opts?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<number | null>;
}

/** `command args` with its output captured, killed with the test worker at the latest. */
export function startProcess(command: string, args: readonly string[], opts: StartOptions): TestProcess {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  adopt(child);
  let log = '';
  const append = (text: string) => {
    log += text;
    if (log.length > OUTPUT_LIMIT) log = log.slice(-OUTPUT_LIMIT);
  };
  if (opts.banner) append(`--- ${opts.name} started (pid ${child.pid})\n`);
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      live.delete(child);
      // The last of its output may still be in the pipes; a grandchild holding them open is not waited for long.
      const drained = new Promise((done) => setTimeout(done, 1000).unref());
      void Promise.race([once(child, 'close').catch(() => {}), drained]).then(() => {
        if (opts.banner) append(`--- ${opts.name} (pid ${child.pid}) exited with ${signal ?? code}\n`);
        resolve(code);
      });
    });
  });
  // A command that cannot be spawned at all ends as an exit, not as an unhandled error.
  child.once('error', (error) => append(`--- ${opts.name} could not run: ${error.message}\n`));

  return {
    pid: child.pid,
    get running() {
      return running;
    },
    output: () => log,
    exited,
    kill(signal) {
      if (running) child.kill(signal);
    },
    async stop({ signal = 'SIGTERM', graceMs = 10_000 } = {}) {
      if (!running) return exited;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        child.kill(signal);
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * `node --import tsx <entry>`. Node loads tsx in-process instead of through the `tsx` CLI, whose
 * wrapper process would take a signal alone and leave the real program running as an orphan.
 */
export function startEntry(entry: string, opts: StartOptions): TestProcess {
  return startProcess(process.execPath, ['--import', 'tsx', entry], opts);
}

/**
 * Runs an entry point until it exits by itself; one that starts instead is killed after 30 s.
 * For tests of what a process says and does when it refuses to start.
 */
export async function runToExit(entry: string, env: Record<string, string>, cwd = process.cwd()): Promise<{ code: number | null; out: string }> {
  const child = startEntry(entry, { name: entry, env: { LOG_LEVEL: 'info', ...env }, cwd });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, out: child.output() };
}

/**
 * Polls `<baseUrl><path>` until it answers 200; fails at once if the process exits, or after
 * `timeoutMs` with the last answer seen, and with everything the process wrote.
 */
export async function waitReady(baseUrl: string, child: Pick<TestProcess, 'running' | 'output'>, timeoutMs: number, path = '/health/ready'): Promise<void> {
  try {
    await eventually(
      async () => {
        const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) return true;
        throw new Error(`${response.status} ${await response.text()}`);
      },
      timeoutMs,
      `${baseUrl}${path} answering 200`,
      () => (child.running ? undefined : 'the process exited'),
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${child.output()}`);
  }
}

// Ports for a child process to bind later. Not one the OS picks (port 0): those come from the
// range it also gives outgoing connections (32768-60999 on Linux), so any connect() made between
// the pick and the child's bind, a test's connection to PostgreSQL or RabbitMQ, can take it
// (EADDRINUSE). These come from below that range, a slice of it per test worker: a port picked
// here and not yet bound by its child is free to every probe, so two files running side by side
// must never pick from the same slice. Vitest numbers the workers running at once 1..maxWorkers
// (VITEST_POOL_ID); outside vitest (the bench) the process id picks the slice.
const PORT_RANGE = { first: 20_000, slices: 25, size: 500 };
export function portSlice(poolId: string | undefined, pid: number): number {
  const worker = Number(poolId);
  const index = Number.isInteger(worker) && worker >= 1 ? (worker - 1) % PORT_RANGE.slices : pid % PORT_RANGE.slices;
  return PORT_RANGE.first + index * PORT_RANGE.size;
}
const slice = portSlice(process.env.VITEST_POOL_ID, process.pid);
let nextPort = 0;

/** A port nothing listens on right now, outside the range the OS hands out for outgoing connections. */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < PORT_RANGE.size; tried++) {
    const port = slice + (nextPort++ % PORT_RANGE.size);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${slice}-${slice + PORT_RANGE.size - 1}`);
}

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  const taken = await new Promise<boolean>((resolve) => {
    server.once('listening', () => resolve(false));
    server.once('error', () => resolve(true));
  });
  if (taken) return false;
  server.close();
  await once(server, 'close');
  return true;
}
