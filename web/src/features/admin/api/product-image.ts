import { useMutation, useQueryClient } from '@tanstack/react-query';
import { PRODUCT_IMAGE_TYPES, type Product } from '@pedidos/contracts/inventory';
import { apiFetch, errorFromResponse } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

const imagePath = (sku: string) => `/api/products/${encodeURIComponent(sku)}/image`;

async function send(path: string, init: RequestInit): Promise<Product> {
  const response = await apiFetch(path, { ...init, headers: { ...init.headers, accept: 'application/json, application/problem+json' } });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as Product;
}

/**
 * The file's own bytes as the body. The browser names a file's type by its extension, which may be
 * wrong: the server stores what the bytes are, so any image type it takes is sent as it is, and
 * anything else as plain bytes for the server to judge.
 */
const declaredType = (file: File) => ((PRODUCT_IMAGE_TYPES as readonly string[]).includes(file.type) ? file.type : 'application/octet-stream');

export const uploadProductImage = (sku: string, file: File) =>
  send(imagePath(sku), { method: 'PUT', headers: { 'content-type': declaredType(file) }, body: file });

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
