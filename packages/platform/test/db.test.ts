import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonConfigSpec, loadConfig } from '../src/config';
import { migrate, openDatabase, type Database, type Db } from '../src/db';
import { driverOf } from '../src/db/open-database';
import { createLogger } from '../src/logger';
import { openDatabaseFor } from '../src/runtime';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';
import { startTcpProxy } from '../src/testing/tcp-proxy';
import { serializeError } from '../src/error-summary';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await db.execute(query)).rows as T[];
}

const appliedMigrations = (db: Db) =>
  rows<{ hash: string }>(db, sql`select hash from "outbox_test"."__migrations"`);
const tablesOf = async (db: Db, schema: string) =>
  (await rows<{ table_name: string }>(db, sql`select table_name from information_schema.tables where table_schema = ${schema} order by table_name`)).map(
    (r) => r.table_name,
  );

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe.each(['pglite', 'postgres'] as const)('database on %s', (kind) => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    database = testDb.database;
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it('answers a ping and says which driver it runs on', async () => {
    expect(database.kind).toBe(kind);
    await database.ping();
  });

  it('applies migrations once, recording them in the schema, and is a no-op the second time', async () => {
    await migrate(database, { schema: 'outbox_test', migrationsFolder: fixture('migrations') });
    await migrate(database, { schema: 'outbox_test', migrationsFolder: fixture('migrations') });
    expect(await tablesOf(database.db, 'outbox_test')).toEqual(['__migrations', 'inbox', 'outbox']);
    expect(await appliedMigrations(database.db)).toHaveLength(1);
  });

  it('refuses a migration with a bare CREATE SCHEMA, naming the fix, before running anything', async () => {
    await expect(migrate(database, { schema: 'bare_test', migrationsFolder: fixture('bare-create-schema') })).rejects.toThrow(
      /CREATE SCHEMA IF NOT EXISTS/,
    );
    expect(await tablesOf(database.db, 'bare_test')).toEqual([]);
  });

  it('rolls back everything a failed transaction wrote', async () => {
    await database.db.execute(sql`create table if not exists public.rollback_probe (n int)`);
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into public.rollback_probe values (1)`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await rows(database.db, sql`select n from public.rollback_probe`)).toEqual([]);
  });
});

describe('database on postgres', () => {
  it('lets replicas that start at once migrate concurrently, applying each migration once', async () => {
    const testDb = await createTestDatabase('postgres');
    const replicas = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ url: testDb.url!, poolSize: 2 })));
    try {
      await Promise.all(replicas.map((r) => migrate(r, { schema: 'outbox_test', migrationsFolder: fixture('migrations') })));
      expect(await appliedMigrations(testDb.database.db)).toHaveLength(1);
      expect(await tablesOf(testDb.database.db, 'outbox_test')).toEqual(['__migrations', 'inbox', 'outbox']);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await testDb.drop();
    }
  });

  it('a session killed by the server between two statements of a transaction fails that transaction, and the next one gets a new session', async () => {
    const testDb = await createTestDatabase('postgres');
    const database = await openDatabase({ url: testDb.url!, poolSize: 1 });
    const backendPid = async (db: Db) => (await rows<{ pid: number }>(db, sql`select pg_backend_pid() as pid`))[0]!.pid;
    try {
      let killed = 0;
      await expect(
        database.db.transaction(async (tx) => {
          killed = await backendPid(tx);
          // What a restart or failover does to every session: the server ends it (57P01).
          await testDb.database.db.execute(sql`select pg_terminate_backend(${killed})`);
          await new Promise((resolve) => setTimeout(resolve, 100));
          await tx.execute(sql`select 1`);
        }),
      ).rejects.toThrow();
      expect(await backendPid(database.db)).not.toBe(killed);
    } finally {
      await database.close();
      await testDb.drop();
    }
  });

  it('a statement the server does not answer within the query timeout fails, and its session is never handed out again', async () => {
    const testDb = await createTestDatabase('postgres');
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(testDb.url!).port) });
    const through = new URL(testDb.url!);
    through.port = String(proxy.port);
    const database = await openDatabase({ url: through.toString(), poolSize: 1, queryTimeoutMs: 300 });
    const backendPid = async (db: Db) => (await rows<{ pid: number }>(db, sql`select pg_backend_pid() as pid`))[0]!.pid;
    try {
      let stalled = 0;
      let timedOut: unknown;
      await expect(
        database.db.transaction(async (tx) => {
          stalled = await backendPid(tx);
          proxy.cut();
          await tx.execute(sql`select ${'a-secret-parameter'}::text`).catch((error: unknown) => {
            timedOut = error;
            throw error;
          });
        }),
      ).rejects.toThrow();
      // Logged by its statement and the driver's reason, never by its parameters.
      expect(serializeError(timedOut)).toMatchObject({ message: 'query failed: Query read timeout', statement: expect.stringContaining('::text') });
      expect(JSON.stringify(serializeError(timedOut))).not.toContain('a-secret-parameter');
      proxy.heal();
      // The late answers to the stalled session may still arrive: it must not be the one reused.
      expect(await backendPid(database.db)).not.toBe(stalled);
    } finally {
      proxy.heal();
      await database.close();
      await proxy.close();
      await testDb.drop();
    }
  });

  it('opens a service\'s pool with DATABASE_POOL_SIZE connections at most', async () => {
    const testDb = await createTestDatabase('postgres');
    const config = loadConfig({ DATABASE_URL: testDb.url!, DATABASE_POOL_SIZE: '2' }, commonConfigSpec);
    const database = await openDatabaseFor(config, createLogger({ level: 'silent', service: 'test' }));
    try {
      await Promise.all(Array.from({ length: 6 }, () => database.db.execute(sql`select pg_sleep(0.05)`)));
      const driver = driverOf.get(database);
      expect(driver && 'pool' in driver ? driver.pool.totalCount : undefined).toBe(2);
    } finally {
      await database.close();
      await testDb.drop();
    }
  });

  it('drop() removes the test database', async () => {
    const testDb = await createTestDatabase('postgres');
    const name = new URL(testDb.url!).pathname.slice(1);
    expect(name).toMatch(/^pedidos_test_[0-9a-f]+$/);
    expect(await databaseExists(name)).toBe(true);
    await testDb.drop();
    expect(await databaseExists(name)).toBe(false);
  });

  it('refuses a test database whose name does not contain "test"', async () => {
    await expect(createTestDatabase('postgres', { name: 'pedidos' })).rejects.toThrow(/does not contain "test"/);
    expect(await databaseExists('pedidos')).toBe(false);
  });
});

describe('database on pglite', () => {
  it('persists under dataDir across reopenings, with a small page cache', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pedidos-pglite-'));
    const dataDir = join(root, 'nested', 'data');
    try {
      const first = await openDatabase({ dataDir });
      expect(await rows(first.db, sql`select current_setting('shared_buffers') as size`)).toEqual([{ size: '32MB' }]);
      await first.db.execute(sql`create table kept (n int)`);
      await first.db.execute(sql`insert into kept values (42)`);
      await first.close();

      const second = await openDatabase({ dataDir });
      expect(await rows(second.db, sql`select n from kept`)).toEqual([{ n: 42 }]);
      expect(await rows(second.db, sql`select current_setting('shared_buffers') as size`)).toEqual([{ size: '32MB' }]);
      await second.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('fails with the reason when the data directory cannot be made', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pedidos-pglite-'));
    try {
      const occupied = join(root, 'data');
      await writeFile(join(root, 'data'), 'not a directory');
      await expect(openDatabase({ dataDir: join(occupied, 'pg') })).rejects.toThrow(/ENOTDIR|not a directory/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('names the data directory it could not create, with the reason the creating process gave', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pedidos-pglite-'));
    try {
      // Files where the new database's first directories must go: creating it fails half-way.
      await Promise.all(['base', 'global'].map((name) => writeFile(join(root, name), 'not a directory')));
      await expect(openDatabase({ dataDir: root })).rejects.toThrow(new RegExp(`could not create the PGlite data directory ${root}: \\S`));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('applies each migration once when services sharing one PGlite migrate at once', async () => {
    const shared = new PGlite();
    try {
      const services = await Promise.all(Array.from({ length: 3 }, () => openDatabase({ pglite: shared })));
      await Promise.all(services.map((s) => migrate(s, { schema: 'outbox_test', migrationsFolder: fixture('migrations') })));
      expect(await appliedMigrations(services[0]!.db)).toHaveLength(1);
    } finally {
      await shared.close();
    }
  });

  it('leaves a borrowed PGlite open when closed, for the other services sharing it', async () => {
    const shared = new PGlite();
    try {
      const orders = await openDatabase({ pglite: shared });
      const inventory = await openDatabase({ pglite: shared });
      await orders.close();
      expect(shared.closed).toBe(false);
      await inventory.ping();
    } finally {
      await shared.close();
    }
  });
});
