import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateProductBody, Product } from '@pedidos/contracts/inventory';
import { apiJson } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

export const createProduct = (body: CreateProductBody) => apiJson<Product>('/api/products', { method: 'POST', body });

export function useCreateProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createProduct,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}
