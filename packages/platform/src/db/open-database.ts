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
  | { url: string; poolSize?: number }
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
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // An idle client losing its connection emits 'error' on the pool, which would crash the
    // process; the pool replaces it and the next query or ping reports a real outage.
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
