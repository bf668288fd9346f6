import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { eventually } from '@pedidos/platform/testing';
import pg from 'pg';

const run = promisify(execFile);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The machine's one cluster (`/etc/postgresql/<version>/main`), driven as an operator would. */
async function pgctl(action: 'start' | 'stop' | 'restart'): Promise<void> {
  const [version] = readdirSync('/etc/postgresql');
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  const modeArgs = action === 'start' ? [] : ['--', '-m', 'fast'];
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action, ...modeArgs], { timeout: 60_000 });
}

/** Resolves once the server accepts a connection and answers a query. */
export async function waitForPostgres(timeoutMs = 60_000): Promise<void> {
  await eventually(async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } finally {
      await client.end().catch(() => {});
    }
  }, timeoutMs, 'PostgreSQL accepting connections');
}

/**
 * Stops the machine's PostgreSQL (fast mode: sessions are terminated, as in a failover or an
 * operator's restart), runs `whileDown`, and starts it again whatever `whileDown` did.
 */
export async function withPostgresStopped<T>(whileDown: () => Promise<T>): Promise<T> {
  try {
    await pgctl('stop');
    return await whileDown();
  } finally {
    await pgctl('start').catch(() => {});
    await waitForPostgres();
  }
}
