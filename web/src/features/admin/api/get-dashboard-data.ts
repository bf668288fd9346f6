import { useQuery } from '@tanstack/react-query';
import type { Product } from '@pedidos/contracts/inventory';
import type { Order } from '@pedidos/contracts/orders';
import { orderKeys, productKeys } from '../../../lib/query-keys';
import { getAllOrders } from './get-all-orders';
import { getProductPage } from './get-products';

const MAX_PAGES = 20;
export const WINDOW_MS = 60 * 60_000;

/** Newest first, so paging stops at the first order older than the window (or after MAX_PAGES × 100). */
export async function getRecentOrders(since: number, signal?: AbortSignal): Promise<{ orders: Order[]; truncated: boolean }> {
  const orders: Order[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items, nextCursor } = await getAllOrders({ cursor, limit: 100, signal });
    for (const order of items) {
      if (Date.parse(order.createdAt) < since) return { orders, truncated: false };
      orders.push(order);
    }
    if (!nextCursor) return { orders, truncated: false };
    cursor = nextCursor;
  }
  return { orders, truncated: true };
}

export async function getAllProducts(signal?: AbortSignal): Promise<Product[]> {
  const products: Product[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items, nextCursor } = await getProductPage({ cursor, signal });
    products.push(...items);
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return products;
}

export function useRecentOrders() {
  return useQuery({
    queryKey: orderKeys.dashboard(),
    queryFn: async ({ signal }) => {
      const now = Date.now();
      return { now, ...(await getRecentOrders(now - WINDOW_MS, signal)) };
    },
    refetchInterval: 30_000,
  });
}

export function useProductStats() {
  return useQuery({ queryKey: productKeys.stats(), queryFn: ({ signal }) => getAllProducts(signal), refetchInterval: 30_000 });
}
