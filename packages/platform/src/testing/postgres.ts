import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../db';

export interface TestDatabase {
  database: Database;
  /** The connection string of the fresh database; null for PGlite. */
  url: string | null;
  /** Closes the connections and removes the database. */
  drop(): Promise<void>;
}

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Tests may only ever create, or drop, a database whose name says it is one. */
export function assertTestDatabaseName(name: string): void {
  if (!name.includes('test')) throw new Error(`refusing to use database "${name}": its name does not contain "test"`);
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`refusing to use database "${name}": not a plain lower-case identifier`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** A file holding a freshly initialized PGlite data directory (writePgliteTemplate); unset, each instance runs initdb. */
    pgliteTemplate?: string;
  }
}

/**
 * Writes the data directory of a fresh PGlite, as PGlite's own tarball, to `file`. A run's
 * global setup writes it once (test/support/pglite-template.ts) and every in-memory PGlite of
 * the run starts from it: PGlite runs initdb when it starts on an empty directory, which costs
 * 2 to 4 s of CPU a start, loading this costs a fifth of that.
 */
export async function writePgliteTemplate(file: string): Promise<void> {
  const pglite = await PGlite.create();
  try {
    // Uncompressed: gunzipping it again in every instance would cost more than the disk saves.
    await writeFile(file, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await pglite.close();
  }
}

let template: Promise<Blob | undefined> | undefined;

/** The run's template, read once per process; undefined outside vitest or without the global setup. */
function pgliteTemplate(): Promise<Blob | undefined> {
  template ??= (async () => {
    let file: string | undefined;
    try {
      file = inject('pgliteTemplate');
    } catch {
      return undefined; // not inside a vitest worker
    }
    return file === undefined ? undefined : new Blob([await readFile(file)]);
  })();
  return template;
}

/**
 * A fresh, empty database: on PostgreSQL a new database `pedidos_test_<random>` on
 * `TEST_DATABASE_URL`'s server; on PGlite an in-memory instance (from the run's template when
 * there is one).
 */
export async function createTestDatabase(kind: 'postgres' | 'pglite', opts: { name?: string } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const loadDataDir = await pgliteTemplate();
    const pglite = new PGlite(loadDataDir ? { loadDataDir } : {});
    const database = await openDatabase({ pglite });
    return {
      database,
      url: null,
      drop: async () => {
        await database.close();
        await pglite.close();
      },
    };
  }

  const name = opts.name ?? `pedidos_test_${randomBytes(6).toString('hex')}`;
  assertTestDatabaseName(name);
  const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  await withAdmin(adminUrl, (admin) => admin.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 5 });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** The storage options (`ALTER TABLE ... SET (...)`) of each table of `schema` that has any, by table name. */
export async function storageOptions(database: Database, schema: string): Promise<Record<string, string[]>> {
  const { rows } = await database.db.execute(sql`
    SELECT c.relname AS name, c.reloptions AS options FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relkind = 'r' AND c.reloptions IS NOT NULL`);
  return Object.fromEntries((rows as { name: string; options: string[] }[]).map((r) => [r.name, [...r.options].sort()]));
}

async function withAdmin(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
