import { runToExit } from '@pedidos/platform/testing';
import { describe, expect, it } from 'vitest';

// Only PATH and HOME come from this environment: each case starts from the defaults.
const run = (service: 'orders' | 'inventory', env: Record<string, string>) => runToExit(`services/${service}/src/main.ts`, env);

describe('starting a service with something wrong', () => {
  it('a bad variable stops it with one line naming the variable', async () => {
    const { code, out } = await run('orders', { PORT: 'abc' });
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toEqual(['Invalid configuration: PORT must be an integer 1..65535, got "abc"']);
  });

  it('a password in a bad URL is not echoed', async () => {
    const { code, out } = await run('inventory', { DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(code).toBe(1);
    expect(out).toMatch(/^Invalid configuration: DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//);
    expect(out).not.toContain('hunter2');
  });

  it('several workers without a shared database and broker stop it with one line naming WEB_CONCURRENCY', async () => {
    const { code, out } = await run('orders', { WEB_CONCURRENCY: '2' });
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toEqual([
      'Invalid configuration: WEB_CONCURRENCY above 1 needs DATABASE_URL and RABBITMQ_URL: the embedded database and in-process transport live in one process',
    ]);
  });

  it('an unreachable database stops it with one line naming DATABASE_URL', async () => {
    const { code, out } = await run('inventory', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/pedidos_test' });
    expect(code).toBe(1);
    const fatal = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'fatal');
    expect(fatal).toEqual([expect.objectContaining({ msg: 'DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED)' })]);
  });
});
