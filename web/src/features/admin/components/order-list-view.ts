import { useLayoutEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { DEFAULT_ORDER_SORT as DEFAULT_SORT, ORDER_SORTS, ORDER_STATUSES, type OrderSort, type OrderStatus } from '@pedidos/contracts/orders';
import { addDays, parseDay } from '../../../lib/local-day';
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

/** The server's filter: a date range covers whole local days, `to` up to its last millisecond. */
function filterOf({ q, status, from, to }: OrderListView): OrdersFilter {
  const last = parseDay(to);
  return {
    status,
    q: q.trim() || undefined,
    from: parseDay(from)?.toISOString(),
    to: last === undefined ? undefined : new Date(addDays(last, 1).getTime() - 1).toISOString(),
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
  // setParams builds on the address of the last render, so a second change made before the first
  // has rendered (a status picked, then a date typed at once on a busy machine) would undo it:
  // changes build on the address as written here, until one that came from elsewhere (back, a link).
  const latest = useRef(params);
  const pending = useRef<string[]>([]);
  useLayoutEffect(() => {
    const at = pending.current.indexOf(params.toString());
    pending.current = at === -1 ? [] : pending.current.slice(at + 1);
    if (pending.current.length === 0) latest.current = params;
  }, [params]);
  const view: OrderListView = {
    q: params.get('q') ?? '',
    status: oneOf(ORDER_STATUSES, params.get('status')),
    // A day that does not exist (2026-02-31) is left out, not rolled over into the next month.
    from: parseDay(params.get('from')) ? params.get('from')! : '',
    to: parseDay(params.get('to')) ? params.get('to')! : '',
    sort: oneOf(ORDER_SORTS, params.get('sort')) ?? DEFAULT_SORT,
  };
  const update = (change: ViewChange, { replace = false } = {}) => {
    const next = new URLSearchParams(latest.current);
    for (const [key, value] of Object.entries(change)) {
      if (value && !(key === 'sort' && value === DEFAULT_SORT)) next.set(key, value);
      else next.delete(key);
    }
    next.delete(PAGES_PARAM);
    latest.current = next;
    pending.current.push(next.toString());
    setParams(next, { replace });
  };
  return { view, filter: filterOf(view), update };
}
