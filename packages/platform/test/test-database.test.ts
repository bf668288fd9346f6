import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../src/db';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';

/** initdb gives every cluster an identifier of its own; copies of one data directory share it. */
async function clusterId(db: Db): Promise<string> {
  const { rows } = await db.execute(sql`select system_identifier::text as id from pg_control_system()`);
  return (rows[0] as { id: string }).id;
}

describe('in-memory test databases', () => {
  const opened: TestDatabase[] = [];
  afterAll(() => Promise.all(opened.map((db) => db.drop())));

  it("start from the run's one initialized data directory, each a database of its own", async () => {
    expect(inject('pgliteTemplate')).toMatch(/template\.tar$/);
    const [first, second] = await Promise.all([createTestDatabase('pglite'), createTestDatabase('pglite')]);
    opened.push(first, second);

    expect(await clusterId(first.database.db)).toBe(await clusterId(second.database.db));
    await first.database.db.execute(sql`create table only_here (id int)`);
    const { rows } = await second.database.db.execute(sql`select to_regclass('only_here') as found`);
    expect(rows).toEqual([{ found: null }]);
  });
});
