import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';

/** What `execute` returns on both drivers: node-postgres' QueryResult and PGlite's Results both carry `rows`. */
export interface RowsResultHKT extends PgQueryResultHKT {
  type: RowsResult<this['row']>;
}
interface RowsResult<TRow> {
  rows: (TRow extends Record<string, unknown> ? TRow : Record<string, unknown>)[];
}

/** A Drizzle database on either driver. No relational schema: queries use the builder. */
export type Db = PgDatabase<RowsResultHKT>;
/**
 * What `db.transaction(async (tx) => ...)` passes. A Tx is a Db, so every query function
 * that takes a Db also runs inside a transaction. On PGlite (one connection) a query on
 * `db` inside `db.transaction` waits for that transaction forever: always use `tx`.
 */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Queryable = Db | Tx;

export type DatabaseOptions =
  | { url: string; poolSize?: number; connectTimeoutMs?: number; queryTimeoutMs?: number }
  /** Borrowed: `close()` leaves it open; whoever created it closes it (one PGlite shared by every service). */
  | { pglite: PGlite }
  /** Owned: persisted under `dataDir` (created if missing), closed by `close()`. */
  | { dataDir: string };

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Readiness: rejects when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The driver objects behind a Database, for code that must step outside Drizzle (migrations). */
export const driverOf = new WeakMap<Database, { pool: pg.Pool } | { pglite: PGlite }>();

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if ('url' in opts) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      // A server that does not answer (a partition, a host gone) fails the query instead of
      // holding its caller and its connection for the kernel's TCP timeout of many minutes.
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
      query_timeout: opts.queryTimeoutMs ?? 30_000,
      keepAlive: true,
    });
    // pg-pool listens for 'error' only on idle clients. A client checked out between two
    // statements of a transaction that loses its server (a restart, a failover) would emit
    // 'error' to nobody and crash the process: every client gets a listener for its lifetime.
    // The failing statement rejects on its own, and the pool drops the dead client on release.
    pool.on('connect', (client) => {
      client.on('error', () => {});
      discardOnQueryTimeout(client);
    });
    pool.on('error', () => {});
    const db: Db = drizzleNodePg({ client: pool });
    const database: Database = {
      db,
      kind: 'postgres',
      ping: async () => void (await db.execute(sql`select 1`)),
      close: () => pool.end(),
    };
    driverOf.set(database, { pool });
    return database;
  }
  const owned = !('pglite' in opts);
  let pglite: PGlite;
  if ('pglite' in opts) {
    pglite = opts.pglite;
  } else {
    pglite = await openPglite(opts.dataDir);
  }
  await pglite.waitReady;
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const db: Db = drizzlePglite({ client: pglite });
  const database: Database = {
    db,
    kind: 'pglite',
    ping: async () => void (await db.execute(sql`select 1`)),
    close: async () => {
      if (owned && !pglite.closed) await pglite.close();
    },
  };
  driverOf.set(database, { pglite });
  return database;
}

/**
 * PostgreSQL's page cache, inside PGlite's WebAssembly memory, which only grows. 32 MB rather than
 * PostgreSQL's 128: the embedded shape's one process then stays under 400 MiB under load, and the
 * operating system caches the files anyway. Measured on the bench's embedded shape, two runs each:
 * 16 MB 149–161 orders/s at 310–317 MiB, 32 MB 167–176 at 316–332, 64 MB 177 at 367 (each miss
 * costs a read of the file through PGlite's file system, in JavaScript).
 */
const PGLITE_SHARED_BUFFERS = '32MB';

/**
 * A fresh data directory is created (initdb) in a child process: creating it grows PGlite's
 * WebAssembly memory to ~750 MB, which a process never gets back, while opening an existing
 * directory takes a third of that.
 */
async function openPglite(dataDir: string): Promise<PGlite> {
  // Loaded only here: a service on PostgreSQL keeps its megabytes of code out of memory.
  const { PGlite } = await import('@electric-sql/pglite');
  await mkdir(dataDir, { recursive: true });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await createDataDir(dataDir);
  return new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] });
}

const INIT_DATA_DIR = `
const [module, dataDir] = process.argv.slice(1);
const { PGlite } = require(module);
const db = new PGlite(dataDir);
db.waitReady.then(() => db.close()).catch((error) => {
  console.error(error instanceof Error ? error.message : JSON.stringify(error));
  process.exit(1);
});`;

async function createDataDir(dataDir: string): Promise<void> {
  const module = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  try {
    await promisify(execFile)(process.execPath, ['--input-type=commonjs', '-e', INIT_DATA_DIR, module, dataDir]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').at(-1);
    throw new Error(`could not create the PGlite data directory ${dataDir}: ${stderr || (error as Error).message}`, { cause: error });
  }
}

/**
 * After pg's `query_timeout` the statement may still be running on the server and its answer
 * still on the way: the connection's protocol state is unknown, so it is closed rather than
 * handed to the next caller (who would wait behind the lost answer). Closing it ends the
 * session, and PostgreSQL rolls back whatever transaction it had open.
 */
function discardOnQueryTimeout(client: pg.PoolClient): void {
  // pg keeps the socket on a field its types do not declare.
  const socket = () => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === 'Query read timeout') socket().destroy();
      });
    }
    return result;
  };
}
