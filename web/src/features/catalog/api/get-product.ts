import { useQuery } from '@tanstack/react-query';
import type { Product } from '@pedidos/contracts/inventory';
import { apiJson } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

export const getProduct = (sku: string, signal?: AbortSignal) =>
  apiJson<Product>(`/api/products/${encodeURIComponent(sku)}`, { auth: false, signal });

export const useProduct = (sku: string) =>
  useQuery({ queryKey: productKeys.detail(sku), queryFn: ({ signal }) => getProduct(sku, signal) });
