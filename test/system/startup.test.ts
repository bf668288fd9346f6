import { DEVELOPMENT_SECRETS } from '@pedidos/platform/config';
import { runToExit } from '@pedidos/platform/testing';
import { describe, expect, it } from 'vitest';

// Only PATH and HOME come from this environment: each case starts from the defaults.
const run = (service: 'orders' | 'inventory', env: Record<string, string>) => runToExit(`services/${service}/src/main.ts`, env);
const logLines = (out: string) => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string });

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
    const fatal = logLines(out).filter((l) => l.level === 'fatal');
    expect(fatal).toEqual([expect.objectContaining({ msg: 'DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED)' })]);
  });

  it('in production a published development password stops it with one line naming the variable, not the password', async () => {
    const { code, out } = await run('orders', {
      NODE_ENV: 'production',
      DATABASE_URL: `postgres://orders:${DEVELOPMENT_SECRETS.ORDERS_DB_PASSWORD}@127.0.0.1:1/orders`,
    });
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toEqual(['Invalid configuration: DATABASE_URL must not hold a public development default password when NODE_ENV=production']);
  });

  it('in development a published development password is worth one warning naming the variable, not the password', async () => {
    // The unreachable database ends the run right after the startup log.
    const { code, out } = await run('inventory', { DATABASE_URL: `postgres://inventory:${DEVELOPMENT_SECRETS.INVENTORY_DB_PASSWORD}@127.0.0.1:1/inventory` });
    expect(code).toBe(1);
    const warnings = logLines(out).filter((l) => l.level === 'warn');
    expect(warnings).toEqual([expect.objectContaining({ msg: expect.stringMatching(/^DEVELOPMENT DEFAULT PASSWORDS in DATABASE_URL:/) })]);
    expect(out).not.toContain(DEVELOPMENT_SECRETS.INVENTORY_DB_PASSWORD);
  });
});
