import { lt, sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import { catalog } from './schema';

/** The catalog entries of `skus`, for pricing. */
export const catalogEntries = (q: Queryable, skus: string[]) => q.select().from(catalog).where(sql`${catalog.sku} = ANY(${sql.param(skus)}::text[])`);

/** Newest updatedAt wins, so a replayed or late event never rolls a price back. */
export async function upsertCatalogEntry(q: Queryable, entry: { sku: string; name: string; price: number; currency: string; updatedAt: Date }) {
  await q
    .insert(catalog)
    .values(entry)
    .onConflictDoUpdate({
      target: catalog.sku,
      set: { name: entry.name, price: entry.price, currency: entry.currency, updatedAt: entry.updatedAt },
      setWhere: lt(catalog.updatedAt, entry.updatedAt),
    });
}
