import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@pedidos/platform/db';
import { createTestDatabase } from '@pedidos/platform/testing';
import { describe } from './http';

/** What one pgbench run printed; null where this version of pgbench prints no such line. */
export interface PgbenchFigures {
  /** Transactions per second, without the time spent connecting. */
  tps: number;
  transactions: number | null;
  failed: number | null;
  latencyAvgMs: number | null;
}

/** The ceiling: the service's own statements run by pgbench alone, with the bench's client count. */
export interface Ceiling {
  /** host:port of the PostgreSQL server (TEST_DATABASE_URL's). */
  server: string;
  pgbench: string;
  clients: number;
  threads: number;
  durationS: number;
  /** bench/pgbench/accept.sql: what accepting one order writes. */
  accept: PgbenchFigures;
  /** bench/pgbench/reserve.sql: what reserving stock for one order writes. */
  reserve: PgbenchFigures;
}

/** Why a run has no ceiling (the figures stay empty). */
export interface NoCeiling {
  skipped: string;
}

/** No pgbench run is longer than this, whatever the load's duration. */
export const PGBENCH_MAX_S = 10;

/**
 * The figures in pgbench's summary. Its tps line has said "(without initial connection time)"
 * since PostgreSQL 14 and "(excluding connections establishing)", next to an "including" line,
 * before: the one that leaves connecting out is taken. Null when there is no tps line at all.
 */
export function parsePgbenchOutput(text: string): PgbenchFigures | null {
  const tpsLines = [...text.matchAll(/^tps = (\d+(?:\.\d+)?)(?: \(([^)]*)\))?\s*$/gm)];
  const chosen = tpsLines.find((m) => /without|excluding/.test(m[2] ?? '')) ?? (tpsLines.length === 1 ? tpsLines[0] : undefined);
  if (!chosen) return null;
  const integer = (pattern: RegExp) => {
    const found = text.match(pattern)?.[1];
    return found === undefined ? null : Number(found);
  };
  const latency = text.match(/^latency average = (\d+(?:\.\d+)?) ms\s*$/m)?.[1];
  return {
    tps: Number(chosen[1]),
    transactions: integer(/^number of transactions actually processed: (\d+)/m),
    failed: integer(/^number of failed transactions: (\d+)/m),
    latencyAvgMs: latency === undefined ? null : Number(latency),
  };
}

/** `pgbench --version`'s line, or null when no pgbench on the PATH answers it. */
export async function pgbenchVersion(): Promise<string | null> {
  try {
    return (await run(['--version'], AbortSignal.timeout(10_000))).stdout.trim();
  } catch {
    return null;
  }
}

/**
 * Creates `pedidos_bench_test_*`, migrates it with the orders and inventory services' own
 * migrations, seeds the products, runs each script for `durationS` with `clients` clients, and
 * drops the database, whatever happened.
 */
export async function measureCeiling(opts: { repoRoot: string; version: string; clients: number; durationS: number; signal: AbortSignal; say: (m: string) => void }): Promise<Ceiling> {
  const dir = join(opts.repoRoot, 'bench/pgbench');
  const test = await createTestDatabase('postgres', { name: `pedidos_bench_test_${randomBytes(4).toString('hex')}` });
  try {
    for (const service of ['orders', 'inventory']) {
      await migrate(test.database, { schema: service, migrationsFolder: join(opts.repoRoot, `services/${service}/migrations`) });
    }
    await test.database.db.execute(await readFile(join(dir, 'seed.sql'), 'utf8'));
    // The password, if any, goes by environment: a command line is visible to every user of the machine.
    const url = new URL(test.url!);
    const password = decodeURIComponent(url.password);
    url.password = '';
    const threads = Math.min(opts.clients, availableParallelism());
    const script = async (name: string) => {
      opts.say(`pgbench ${name}: ${opts.clients} clients for ${opts.durationS} s`);
      const args = ['--no-vacuum', '--protocol=extended', `--client=${opts.clients}`, `--jobs=${threads}`, `--time=${opts.durationS}`, `--file=${join(dir, name)}`, url.toString()];
      const { stdout } = await run(args, opts.signal, password ? { PGPASSWORD: password } : {});
      const figures = parsePgbenchOutput(stdout);
      if (!figures) throw new Error(`pgbench ${name}: no "tps = " line in its output`);
      return figures;
    };
    return {
      server: url.host,
      pgbench: opts.version,
      clients: opts.clients,
      threads,
      durationS: opts.durationS,
      accept: await script('accept.sql'),
      reserve: await script('reserve.sql'),
    };
  } finally {
    await test.drop().catch((error: unknown) => console.error(`dropping the pgbench database: ${describe(error)}`));
  }
}

function run(args: string[], signal: AbortSignal, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('pgbench', args, { signal, maxBuffer: 16 * 2 ** 20, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      if (signal.aborted) return reject(signal.reason);
      // pgbench names what went wrong on stderr ("client 3 aborted in command 2 …").
      const reason = stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-2).join(' / ');
      reject(new Error(`pgbench ${reason || error.message}`));
    });
  });
}
