import { renderHook, waitFor } from '@testing-library/react';
import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { Order } from '@pedidos/contracts/orders';
import { order } from '../test/fixtures';
import { json, stubFetch } from '../test/http';
import { apiJson } from './api-client';
import { createQueryClient } from './query-client';
import { orderKeys } from './query-keys';
import { updateOrderCache } from './update-order-cache';

const pending = order();
const confirmed = order({
  status: 'confirmed',
  updatedAt: '2026-11-29T12:00:01.500Z',
  history: [...pending.history, { status: 'confirmed', at: '2026-11-29T12:00:01.500Z', reason: null, actor: null }],
});

describe('reading an order while the stream changes it', () => {
  it('keeps the change the stream told of when a read sent before it answers after it', async () => {
    let answer!: (response: Response) => void;
    const { requests } = stubFetch({ [`GET /api/orders/${pending.id}`]: () => new Promise((resolve) => (answer = resolve)) });
    const queryClient = createQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
    // Any query of an order, as a feature would write it: the client's defaults are what is tested.
    const { result } = renderHook(() => useQuery({ queryKey: orderKeys.detail(pending.id), queryFn: () => apiJson<Order>(`/api/orders/${pending.id}`) }), { wrapper });
    await waitFor(() => expect(requests).toHaveLength(1));

    // The read is on its way with the order as it stood; the confirmation arrives on the stream.
    updateOrderCache(queryClient, confirmed);
    answer(json(200, pending));

    await waitFor(() => expect(result.current.isFetching).toBe(false));
    expect(result.current.data?.status).toBe('confirmed');
  });
});

describe('a change on the stream', () => {
  it("refreshes the back office list's count and sum, whose membership a status change can alter", async () => {
    const summary = { count: 1, totals: [{ currency: 'BRL', amount: 4990 }] };
    const { requests } = stubFetch({ 'GET /api/orders/summary': () => json(200, summary) });
    const queryClient = createQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
    const params = { status: 'pending' };
    const { result } = renderHook(() => useQuery({ queryKey: orderKeys.summary(params), queryFn: () => apiJson('/api/orders/summary'), staleTime: Infinity }), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(requests).toHaveLength(1);

    updateOrderCache(queryClient, confirmed);

    await waitFor(() => expect(requests).toHaveLength(2));
  });
});
