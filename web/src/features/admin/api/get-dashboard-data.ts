import { useQuery } from '@tanstack/react-query';
import type { Product } from '@pedidos/contracts/inventory';
import { productKeys } from '../../../lib/query-keys';
import { getProductPage } from './get-products';

const MAX_PAGES = 20;

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

export function useProductStats() {
  return useQuery({ queryKey: productKeys.stats(), queryFn: ({ signal }) => getAllProducts(signal), refetchInterval: 30_000 });
}
