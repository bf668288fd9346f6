import { useSyncExternalStore } from 'react';
import { MAX_QUANTITY } from '@pedidos/contracts/limits';
import { isRecord, onStoredChange, readStored, writeStored } from '../../lib/storage';
import { randomId } from '../../lib/random-id';

export interface CartLine {
  sku: string;
  name: string;
  /** Minor units, as shown when added; the order is priced by the server. */
  unitPrice: number;
  currency: string;
  quantity: number;
}

interface CartState {
  lines: CartLine[];
  /** The Idempotency-Key of the checkout attempt for exactly this body, kept until it succeeds. */
  checkout: { key: string; body: string } | null;
}

const KEY = 'pedidos.cart';
const EMPTY: CartState = { lines: [], checkout: null };
const listeners = new Set<() => void>();

function isLine(value: unknown): value is CartLine {
  return isRecord(value) && typeof value.sku === 'string' && typeof value.name === 'string' && Number.isInteger(value.unitPrice)
    && typeof value.currency === 'string' && Number.isInteger(value.quantity) && (value.quantity as number) >= 1;
}

function read(): CartState {
  const value = readStored(KEY);
  if (!isRecord(value) || !Array.isArray(value.lines)) return EMPTY;
  const checkout = isRecord(value.checkout) && typeof value.checkout.key === 'string' && typeof value.checkout.body === 'string'
    ? { key: value.checkout.key, body: value.checkout.body }
    : null;
  return { lines: value.lines.filter(isLine), checkout };
}

let state: CartState = read();

onStoredChange(KEY, () => {
  state = read();
  listeners.forEach((l) => l());
});

function update(next: CartState) {
  state = next;
  writeStored(KEY, next.lines.length === 0 && !next.checkout ? null : next);
  listeners.forEach((l) => l());
}

const clamp = (quantity: number) => Math.min(MAX_QUANTITY, Math.max(1, Math.trunc(quantity)));

export const cart = {
  get: () => state,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /**
   * Adds `quantity` more of the product, never past `available` when it is given (what the shop
   * last saw in stock). Returns the line's quantity after and whether `available` held it back.
   */
  add(product: { sku: string; name: string; price: number; currency: string }, quantity = 1, available?: number): { quantity: number; limited: boolean } {
    const existing = state.lines.find((l) => l.sku === product.sku);
    const wanted = (existing?.quantity ?? 0) + quantity;
    const limited = available !== undefined && wanted > available;
    const next = limited ? Math.max(existing?.quantity ?? 0, available) : wanted;
    if (next < 1) return { quantity: 0, limited };
    const lines = existing
      ? state.lines.map((l) => (l.sku === product.sku ? { ...l, name: product.name, unitPrice: product.price, quantity: clamp(next) } : l))
      : [...state.lines, { sku: product.sku, name: product.name, unitPrice: product.price, currency: product.currency, quantity: clamp(next) }];
    update({ ...state, lines });
    return { quantity: clamp(next), limited };
  },
  /** Puts these lines in the cart, each replacing the cart's line for its SKU; the cart's other lines stay. */
  put(lines: CartLine[]) {
    const replaced = state.lines.map((l) => lines.find((n) => n.sku === l.sku) ?? l);
    const added = lines.filter((n) => !state.lines.some((l) => l.sku === n.sku));
    update({ ...state, lines: [...replaced, ...added].map((l) => ({ ...l, quantity: clamp(l.quantity) })) });
  },
  setQuantity(sku: string, quantity: number) {
    update({ ...state, lines: state.lines.map((l) => (l.sku === sku ? { ...l, quantity: clamp(quantity) } : l)) });
  },
  remove(sku: string) {
    update({ ...state, lines: state.lines.filter((l) => l.sku !== sku) });
  },
  clear() {
    update(EMPTY);
  },
  /**
   * The same key for the same body: a double click, a retry after a network error or a reload
   * replays the first attempt instead of placing a second order. A changed cart is a new attempt.
   */
  checkoutKey(body: string): string {
    if (state.checkout?.body === body) return state.checkout.key;
    const key = randomId();
    update({ ...state, checkout: { key, body } });
    return key;
  },
};

export const useCart = (): CartState => useSyncExternalStore(cart.subscribe, cart.get, cart.get);

export const cartCount = (lines: CartLine[]) => lines.reduce((sum, l) => sum + l.quantity, 0);
export const cartTotal = (lines: CartLine[]) => lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
