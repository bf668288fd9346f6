import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Product } from '@pedidos/contracts/inventory';
import { apiFetch, errorFromResponse } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

const imagePath = (sku: string) => `/api/products/${encodeURIComponent(sku)}/image`;

async function send(path: string, init: RequestInit): Promise<Product> {
  const response = await apiFetch(path, { ...init, headers: { ...init.headers, accept: 'application/json, application/problem+json' } });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as Product;
}

/** The file's own bytes as the body, with the type the browser gives it: the server checks both. */
export const uploadProductImage = (sku: string, file: File) =>
  send(imagePath(sku), { method: 'PUT', headers: { 'content-type': file.type || 'application/octet-stream' }, body: file });

export const removeProductImage = (sku: string) => send(imagePath(sku), { method: 'DELETE' });

export function useUploadProductImage(sku: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => uploadProductImage(sku, file),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}

export function useRemoveProductImage(sku: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => removeProductImage(sku),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}
