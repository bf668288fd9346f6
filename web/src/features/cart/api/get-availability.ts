import { useQueries } from '@tanstack/react-query';
import { productQuery } from '../../../lib/product-query';

/** While the cart is open, stock is read again this often, and whenever the window regains focus. */
export const AVAILABILITY_REFRESH_MS = 30_000;

/**
 * How many of each SKU can be ordered now, as far as the shop knows: undefined until read (or when
 * it cannot be read: the order is still checked by the server). The products API has no lookup by
 * several SKUs, so each line is one request, cached per product like the product's other views.
 */
export function useAvailability(skus: string[]): Record<string, number | undefined> {
  return useQueries({
    queries: skus.map((sku) => ({ ...productQuery(sku), refetchInterval: AVAILABILITY_REFRESH_MS, refetchOnWindowFocus: true })),
    combine: (results) => Object.fromEntries(skus.map((sku, i) => [sku, results[i]?.data?.available])),
  });
}
