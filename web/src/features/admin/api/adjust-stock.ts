import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AdjustmentBody, Product } from '@pedidos/contracts/inventory';
import { ApiError, apiFetch, errorFromResponse } from '../../../lib/api-client';
import { productKeys } from '../../../lib/query-keys';

/** The refusal to take away more than is free: the server says how much may go, and how much is reserved. */
export class BelowReservedError extends ApiError {
  constructor(base: ApiError, readonly maxRemovable: number, readonly reserved: number) {
    super(base.status, base.code, base.title, base.detail, base.errors, base.retryAfterS);
  }
}

const numberIn = (body: unknown, name: string) => {
  const value = (body as Record<string, unknown> | null)?.[name];
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
};

export async function adjustStock(sku: string, body: AdjustmentBody): Promise<Product> {
  const response = await apiFetch(`/api/products/${encodeURIComponent(sku)}/adjustments`, {
    method: 'POST',
    headers: { accept: 'application/json, application/problem+json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.ok) return (await response.json()) as Product;
  const problem: unknown = await response.clone().json().catch(() => null);
  const error = await errorFromResponse(response);
  const maxRemovable = numberIn(problem, 'maxRemovable');
  const reserved = numberIn(problem, 'reserved');
  if (error.code === 'STOCK.BELOW_RESERVED' && maxRemovable !== undefined && reserved !== undefined) {
    throw new BelowReservedError(error, maxRemovable, reserved);
  }
  throw error;
}

export function useAdjustStock(sku: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AdjustmentBody) => adjustStock(sku, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}
