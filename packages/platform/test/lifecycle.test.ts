import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startProcess, type TestProcess } from '../src/testing';

const lifecycle = fileURLToPath(new URL('../src/lifecycle.ts', import.meta.url));
const logger = fileURLToPath(new URL('../src/logger.ts', import.meta.url));

// A process entry point in miniature: `stop` behaves as MODE says.
const CHILD = `
const { onShutdown } = await import(${JSON.stringify(lifecycle)});
const { createLogger } = await import(${JSON.stringify(logger)});
const log = createLogger({ level: 'info', service: 'child' });
let calls = 0;
onShutdown(log, async () => {
  calls += 1;
  log.info({ calls }, 'stop called');
  if (process.env.MODE === 'hang') await new Promise(() => {});
  if (process.env.MODE === 'fail') throw new Error('pool refused to close');
  await new Promise((resolve) => setImmediate(resolve));
  log.info('resources closed');
}, { timeoutMs: Number(process.env.TIMEOUT_MS) });
setInterval(() => {}, 60_000);
log.info('ready');
`;

interface Child {
  /** Resolves with the first log line whose msg is `msg`. */
  line(msg: string): Promise<Record<string, unknown>>;
  readonly lines: Record<string, unknown>[];
  signal(name: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

const running: TestProcess[] = [];

// A test that fails mid-way must not leave its child behind.
afterEach(async () => {
  await Promise.all(running.splice(0).map((proc) => proc.stop({ signal: 'SIGKILL' })));
});

function start(env: { MODE: 'ok' | 'hang' | 'fail'; TIMEOUT_MS: number }): Child {
  const proc = startProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { name: 'child', env: { MODE: env.MODE, TIMEOUT_MS: String(env.TIMEOUT_MS) } });
  running.push(proc);
  // pino writes one JSON object a line; anything else (a warning on stderr, a line half read) is not a log line yet.
  const lines = () => proc.output().split('\n').filter((line) => line.startsWith('{') && line.endsWith('}')).map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    get lines() {
      return lines();
    },
    line: (msg) => eventually(async () => lines().find((l) => l.msg === msg), 20_000, `the line "${msg}"`),
    signal: (name) => proc.kill(name),
    exited: proc.exited,
  };
}

const messages = (child: Child) => child.lines.map((l) => l.msg);

describe('onShutdown', () => {
  it('on SIGTERM runs stop once, logs, and exits 0', async () => {
    const child = start({ MODE: 'ok', TIMEOUT_MS: 10_000 });
    await child.line('ready');
    child.signal('SIGTERM');
    expect(await child.exited).toBe(0);
    // A pipe under load may take pino's lines in another order than they were written; what
    // matters is that each happened once, and that stop finished before the exit.
    expect([...messages(child)].sort()).toEqual(['ready', 'resources closed', 'shutdown complete', 'shutting down', 'stop called']);
    expect(messages(child).filter((m) => m !== 'shutting down')).toEqual(['ready', 'stop called', 'resources closed', 'shutdown complete']);
    expect(child.lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal: 'SIGTERM', service: 'child' });
  });

  it('treats SIGINT like SIGTERM', async () => {
    const child = start({ MODE: 'ok', TIMEOUT_MS: 10_000 });
    await child.line('ready');
    child.signal('SIGINT');
    expect(await child.exited).toBe(0);
    expect(messages(child)).toContain('shutdown complete');
  });

  it('forces exit 1 on a second signal while stop is still running', async () => {
    const child = start({ MODE: 'hang', TIMEOUT_MS: 60_000 });
    await child.line('ready');
    child.signal('SIGTERM');
    await child.line('stop called');
    child.signal('SIGTERM');
    expect(await child.exited).toBe(1);
    expect(messages(child)).toContain('second signal during shutdown, forcing exit');
    expect(child.lines.filter((l) => l.msg === 'stop called')).toHaveLength(1);
  });

  it('forces exit 1 when stop outlives the timeout', async () => {
    const child = start({ MODE: 'hang', TIMEOUT_MS: 200 });
    await child.line('ready');
    child.signal('SIGTERM');
    expect(await child.exited).toBe(1);
    expect(messages(child)).toContain('shutdown timed out, forcing exit');
  });

  it('exits 1 and logs the error when stop fails', async () => {
    const child = start({ MODE: 'fail', TIMEOUT_MS: 10_000 });
    await child.line('ready');
    child.signal('SIGTERM');
    expect(await child.exited).toBe(1);
    const failed = child.lines.find((l) => l.msg === 'shutdown failed');
    expect(failed).toMatchObject({ level: 'error', err: { message: 'pool refused to close' } });
  });
});
