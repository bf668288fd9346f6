import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSummary, serializeError } from '../src/error-summary';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';
import { capturedLog } from '../src/testing/hostile';

const SECRET = 'scrypt$32768$8$1$c2FsdA$aGFzaA';

describe.each(['pglite', 'postgres'] as const)('a failed query on %s, as logged', (kind) => {
  let testDb: TestDatabase;
  let failure: unknown;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    // PostgreSQL quotes the offending value in its message; drizzle lists the parameters in its own.
    failure = await testDb.database.db.execute(sql`select ${SECRET}::int as n`).catch((error: unknown) => error);
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it('names SQLSTATE, routine and statement, and quotes no parameter or value', () => {
    expect(failure).toBeInstanceOf(Error);
    const serialized = serializeError(failure);
    expect(serialized).toMatchObject({ type: 'DatabaseError', code: '22P02', statement: expect.stringContaining('::int') });
    expect(JSON.stringify(serialized)).not.toContain(SECRET);
    expect(errorSummary(failure)).toMatch(/^database error 22P02/);
    expect(errorSummary(failure)).not.toContain(SECRET);
  });

  it('keeps them out of a log line written with { err }', () => {
    const { log, lines } = capturedLog();
    log.error({ err: failure }, 'request failed');
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toContain('22P02');
    expect(lines()[0]).not.toContain(SECRET);
  });
});

it('an error that is not a database failure is logged as pino always did', () => {
  expect(serializeError(new Error('plain'))).toMatchObject({ type: 'Error', message: 'plain' });
  expect(errorSummary(new Error('plain'))).toBe('plain');
});
