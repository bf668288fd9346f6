import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Product } from '@pedidos/contracts/inventory';
import { apiJson } from './api-client';
import { productKeys } from './query-keys';

/** Anyone may read a product, so no token is sent: the shop, the cart and the back office share one cached answer. */
export const getProduct = (sku: string, signal?: AbortSignal) =>
  apiJson<Product>(`/api/products/${encodeURIComponent(sku)}`, { auth: false, signal });

/** The one query of a product, for views that add their own options (the cart's refresh interval). */
export const productQuery = (sku: string) =>
  queryOptions({ queryKey: productKeys.detail(sku), queryFn: ({ signal }) => getProduct(sku, signal) });

export const useProduct = (sku: string) => useQuery(productQuery(sku));
