import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AdjustmentBody, Product } from '@pedidos/contracts/inventory';
import { apiJson } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

export const adjustStock = (sku: string, body: AdjustmentBody) =>
  apiJson<Product>(`/api/products/${encodeURIComponent(sku)}/adjustments`, { method: 'POST', body });

export function useAdjustStock(sku: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AdjustmentBody) => adjustStock(sku, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}
