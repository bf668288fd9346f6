import type { InfiniteData } from '@tanstack/react-query';
import type { Order, OrderList } from '@pedidos/contracts/orders';

/** What the orders cache holds under one key: an order, a page of orders, or pages of them. */
export type OrdersCacheEntry = Order | OrderList | InfiniteData<OrderList>;

/** Events may repeat (a replay after reconnecting) or overtake each other: only a newer state counts. */
export function isNewer(incoming: Order, current: Order): boolean {
  const a = Date.parse(incoming.updatedAt);
  const b = Date.parse(current.updatedAt);
  return a > b || (a === b && incoming.history.length > current.history.length);
}

const replaceIn = (items: Order[], incoming: Order): Order[] => {
  const index = items.findIndex((o) => o.id === incoming.id);
  if (index === -1 || !isNewer(incoming, items[index]!)) return items;
  const next = items.slice();
  next[index] = incoming;
  return next;
};

/**
 * Folds one live order update into a cache entry. Pure; returns the very same object when
 * nothing changes, so queries that do not hold the order do not re-render. An order the entry
 * does not hold is not added: which list it belongs in (filter, page) is the server's call.
 */
export function applyOrderEvent<S extends OrdersCacheEntry | undefined>(state: S, incoming: Order): S {
  if (state === undefined) return state;
  if ('pages' in state) {
    let changed = false;
    const pages = state.pages.map((page) => {
      const items = replaceIn(page.items, incoming);
      if (items === page.items) return page;
      changed = true;
      return { ...page, items };
    });
    return (changed ? { ...state, pages } : state) as S;
  }
  if ('nextCursor' in state) {
    const items = replaceIn(state.items, incoming);
    return (items === state.items ? state : { ...state, items }) as S;
  }
  return (state.id === incoming.id && isNewer(incoming, state) ? incoming : state) as S;
}

/** Whether a cache entry holds the order at all. */
export function holdsOrder(state: OrdersCacheEntry | undefined, id: string): boolean {
  if (state === undefined) return false;
  if ('pages' in state) return state.pages.some((p) => p.items.some((o) => o.id === id));
  if ('nextCursor' in state) return state.items.some((o) => o.id === id);
  return state.id === id;
}

/** Every order a cache entry holds. */
const ordersIn = (state: OrdersCacheEntry | undefined): Order[] =>
  state === undefined ? [] : 'pages' in state ? state.pages.flatMap((p) => p.items) : 'nextCursor' in state ? state.items : [state];

/**
 * What a read of the server leaves in the cache: its answer, except for the orders the cache
 * already holds in a newer state. A read sent before a change and answered after the stream told
 * of it would otherwise put the order back where it was, with nothing left to move it on.
 */
export function keepNewerOrders<S extends OrdersCacheEntry>(cached: OrdersCacheEntry | undefined, fresh: S): S {
  return ordersIn(cached).reduce((state, order) => applyOrderEvent(state, order), fresh);
}
