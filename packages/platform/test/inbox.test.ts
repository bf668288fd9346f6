import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../src/db';
import { claimEvents } from '../src/messaging/inbox';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';
import { inbox } from './fixtures/outbox-schema';

const migrationsFolder = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));

describe.each(['pglite', 'postgres'] as const)('inbox on %s', (kind) => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    database = testDb.database;
    await migrate(database, { schema: 'outbox_test', migrationsFolder });
  });
  afterAll(async () => {
    await testDb?.drop();
  });
  beforeEach(async () => {
    await database.db.delete(inbox);
  });

  const claim = (consumer: string, eventId: string) =>
    database.db.transaction(async (tx) => (await claimEvents(tx, inbox, consumer, [eventId])).has(eventId));

  it('claims an event the first time and refuses the duplicate', async () => {
    expect(await claim('reserve-stock', 'e-1')).toBe(true);
    expect(await claim('reserve-stock', 'e-1')).toBe(false);
    expect(await claim('reserve-stock', 'e-2')).toBe(true);
  });

  it('keeps consumers apart: each one claims the same event once', async () => {
    expect(await claim('reserve-stock', 'e-1')).toBe(true);
    expect(await claim('update-catalog', 'e-1')).toBe(true);
    expect(await claim('update-catalog', 'e-1')).toBe(false);
  });

  it('forgets a claim whose transaction rolled back, so the redelivery is applied', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        expect((await claimEvents(tx, inbox, 'reserve-stock', ['e-1'])).has('e-1')).toBe(true);
        throw new Error('effect failed');
      }),
    ).rejects.toThrow('effect failed');
    expect(await claim('reserve-stock', 'e-1')).toBe(true);
  });

  it('lets exactly one of several concurrent claims of the same event win', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        database.db.transaction(async (tx) => {
          const first = (await claimEvents(tx, inbox, 'reserve-stock', ['e-1'])).has('e-1');
          // Hold the transaction open so that the other claims arrive while it is undecided.
          await tx.execute(sql`select pg_sleep(0.05)`);
          return first;
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
