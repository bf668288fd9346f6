import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
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
    await mkdir(opts.dataDir, { recursive: true });
    pglite = new PGlite(opts.dataDir);
  }
  await pglite.waitReady;
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
