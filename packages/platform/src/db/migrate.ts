import type { PGlite } from '@electric-sql/pglite';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { type Database, driverOf } from './open-database';

export interface MigrateOptions {
  /** The service's schema; its `__migrations` table lives there too. */
  schema: string;
  /** drizzle-kit's output folder (with `meta/_journal.json`). */
  migrationsFolder: string;
}

export const MIGRATIONS_TABLE = '__migrations';

// One PGlite is shared by every service in one process; its connection is one session, so an
// advisory lock would not exclude anybody: serialize in memory instead.
const pgliteQueues = new WeakMap<PGlite, Promise<unknown>>();

/**
 * Applies the pending migrations of one schema. Safe when several replicas start at once:
 * on PostgreSQL they queue on an advisory lock held by a dedicated connection.
 *
 * Convention for migration files: the migrator creates `schema` before the first migration
 * runs (its `__migrations` table lives there), so a migration that creates the schema must say
 * `CREATE SCHEMA IF NOT EXISTS`; drizzle-kit writes a bare `CREATE SCHEMA`, edit it by hand.
 */
export async function migrate(database: Database, opts: MigrateOptions): Promise<void> {
  assertSchemaCreationIsIdempotent(opts);
  const config = { migrationsFolder: opts.migrationsFolder, migrationsSchema: opts.schema, migrationsTable: MIGRATIONS_TABLE };
  const driver = driverOf.get(database);
  if (!driver) throw new Error('migrate() needs a Database made by openDatabase()');

  if ('pglite' in driver) {
    const previous = pgliteQueues.get(driver.pglite) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(async () => {
      const [{ drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([import('drizzle-orm/pglite'), import('drizzle-orm/pglite/migrator')]);
      await migratePglite(drizzlePglite({ client: driver.pglite }), config);
    });
    pgliteQueues.set(driver.pglite, run);
    return run;
  }

  const client = await driver.pool.connect();
  const lockKey = `pedidos:migrate:${opts.schema}`;
  let broken = false;
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      await migrateNodePg(drizzleNodePg({ client }), config);
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    // A client that failed mid-way may still hold the lock or an aborted transaction: discard it.
    client.release(broken);
  }
}

function assertSchemaCreationIsIdempotent(opts: MigrateOptions): void {
  readMigrationFiles({ migrationsFolder: opts.migrationsFolder }).forEach((migration, index) => {
    for (const statement of migration.sql) {
      if (/\bcreate\s+schema\s+(?!if\s+not\s+exists)/i.test(statement)) {
        throw new Error(
          `migration #${index} in ${opts.migrationsFolder} has a bare CREATE SCHEMA; write CREATE SCHEMA IF NOT EXISTS (the migrator creates the schema first)`,
        );
      }
    }
  });
}
