import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { OrderStats, StatsBucket } from '@pedidos/contracts/orders';
import { apiJson, queryString } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';
import type { Period } from '../dashboard-stats';

/** The browser's zone: day buckets start at the merchant's midnights. */
const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export const getOrderStats = ({ from, to }: Period, bucket: StatsBucket, tz: string, signal?: AbortSignal) =>
  apiJson<OrderStats>(`/api/orders/stats${queryString({ from: from.toISOString(), to: to.toISOString(), bucket, tz })}`, { signal });

/** One period's figures; the previous range stays on screen while another loads. */
export function useOrderStats(period: Period, bucket: StatsBucket) {
  const tz = localTimeZone();
  const params = { from: period.from.toISOString(), to: period.to.toISOString(), bucket, tz };
  return useQuery({
    queryKey: orderKeys.stats(params),
    queryFn: ({ signal }) => getOrderStats(period, bucket, tz, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}
