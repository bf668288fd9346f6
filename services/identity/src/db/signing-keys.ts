import { and, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import { signingKeys } from './schema';

export type SigningKeyRow = typeof signingKeys.$inferSelect;

/** Still in the JWKS at `at`: the signing key, and retired ones whose tokens may not have expired. */
const published = (at: Date) => or(isNull(signingKeys.expiresAt), gt(signingKeys.expiresAt, at));

/** Rotations take turns: held until the transaction ends. */
export async function lockRotation(q: Queryable): Promise<void> {
  await q.execute(sql`SELECT pg_advisory_xact_lock(hashtext('identity:signing-keys'))`);
}

/** The one key that signs now, if any. */
export async function signingKeyRow(q: Queryable): Promise<SigningKeyRow | undefined> {
  const [row] = await q.select().from(signingKeys).where(isNull(signingKeys.retiresAt));
  return row;
}

/** The key stops signing at `at` and leaves the JWKS at `expiresAt`. */
export async function retireKey(q: Queryable, kid: string, at: Date, expiresAt: Date): Promise<void> {
  await q.update(signingKeys).set({ retiresAt: at, expiresAt }).where(eq(signingKeys.kid, kid));
}

/** Drops the keys out of the JWKS at `at`. */
export async function dropExpiredKeys(q: Queryable, at: Date): Promise<void> {
  await q.delete(signingKeys).where(lte(signingKeys.expiresAt, at));
}

export async function insertSigningKey(q: Queryable, row: typeof signingKeys.$inferInsert): Promise<void> {
  await q.insert(signingKeys).values(row);
}

/** The keys in the JWKS at `at`, newest first. */
export const publishedKeys = (q: Queryable, at: Date) => q.select().from(signingKeys).where(published(at)).orderBy(desc(signingKeys.createdAt));

/** The key `kid`, if it is in the JWKS at `at`. */
export async function publishedKey(q: Queryable, kid: string, at: Date): Promise<SigningKeyRow | undefined> {
  const [row] = await q.select().from(signingKeys).where(and(eq(signingKeys.kid, kid), published(at)));
  return row;
}
