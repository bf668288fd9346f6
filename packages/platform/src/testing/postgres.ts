import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
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

/**
 * A fresh, empty database: on PostgreSQL a new database `pedidos_test_<random>` on
 * `TEST_DATABASE_URL`'s server; on PGlite an in-memory instance.
 */
export async function createTestDatabase(kind: 'postgres' | 'pglite', opts: { name?: string } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const pglite = new PGlite();
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

async function withAdmin(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
