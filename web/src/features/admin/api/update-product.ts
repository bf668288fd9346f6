import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Product, UpdateProductBody } from '@pedidos/contracts/inventory';
import { apiJson } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

export const updateProduct = (sku: string, body: UpdateProductBody) =>
  apiJson<Product>(`/api/products/${encodeURIComponent(sku)}`, { method: 'PATCH', body });

export function useUpdateProduct(sku: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateProductBody) => updateProduct(sku, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}
