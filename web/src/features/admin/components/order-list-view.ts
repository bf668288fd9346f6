import { useSearchParams } from 'react-router';
import { ORDER_SORTS, ORDER_STATUSES, type OrderSort, type OrderStatus } from '@pedidos/contracts/orders';
import { PAGES_PARAM } from '../../../lib/use-cursor-pages';
import type { OrdersFilter } from '../api/get-all-orders';

/** What the list of all orders shows, as its URL says: `?q=&status=&from=&to=&sort=` (dates as YYYY-MM-DD, local days). */
export interface OrderListView {
  q: string;
  status: OrderStatus | undefined;
  from: string;
  to: string;
  sort: OrderSort;
}

export type ViewChange = Partial<Record<'q' | 'status' | 'from' | 'to' | 'sort', string | undefined>>;

export const DEFAULT_SORT: OrderSort = '-number';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The first instant of local day `day` (YYYY-MM-DD), `plusDays` later; undefined if it is not a date. */
function localDay(day: string, plusDays = 0): Date | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The server's filter: a date range covers whole local days, `to` up to its last millisecond. */
export function filterOf({ q, status, from, to }: OrderListView): OrdersFilter {
  const end = localDay(to, 1);
  return {
    status,
    q: q.trim() || undefined,
    from: localDay(from)?.toISOString(),
    to: end === undefined ? undefined : new Date(end.getTime() - 1).toISOString(),
  };
}

const oneOf = <T extends string>(values: readonly T[], value: string | null) => values.find((v) => v === value);

/**
 * The list's view read from and written to the URL, so a reload, back/forward or a shared link
 * shows the same orders. A change starts again from the first page; `replace` keeps it out of
 * the history (a search being typed).
 */
export function useOrderListView() {
  const [params, setParams] = useSearchParams();
  const view: OrderListView = {
    q: params.get('q') ?? '',
    status: oneOf(ORDER_STATUSES, params.get('status')),
    from: DAY.test(params.get('from') ?? '') ? params.get('from')! : '',
    to: DAY.test(params.get('to') ?? '') ? params.get('to')! : '',
    sort: oneOf(ORDER_SORTS, params.get('sort')) ?? DEFAULT_SORT,
  };
  const update = (change: ViewChange, { replace = false } = {}) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(change)) {
        if (value && !(key === 'sort' && value === DEFAULT_SORT)) next.set(key, value);
        else next.delete(key);
      }
      next.delete(PAGES_PARAM);
      return next;
    }, { replace });
  return { view, filter: filterOf(view), update };
}
