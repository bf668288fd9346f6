import { eq } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import { productImages } from './schema';

type ImageRow = typeof productImages.$inferSelect;

export async function findImageRow(q: Queryable, sku: string): Promise<ImageRow | undefined> {
  const [row] = await q.select().from(productImages).where(eq(productImages.sku, sku));
  return row;
}

/** Stores a product's image, replacing the one it had. */
export async function upsertImageRow(q: Queryable, image: ImageRow): Promise<void> {
  const { contentType, bytes, hash, updatedAt } = image;
  await q.insert(productImages).values(image).onConflictDoUpdate({ target: productImages.sku, set: { contentType, bytes, hash, updatedAt } });
}

/** Whether there was an image to delete. */
export async function deleteImageRow(q: Queryable, sku: string): Promise<boolean> {
  const deleted = await q.delete(productImages).where(eq(productImages.sku, sku)).returning({ sku: productImages.sku });
  return deleted.length > 0;
}
