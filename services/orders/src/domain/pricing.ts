export interface CatalogEntry {
  sku: string;
  name: string;
  price: number;
  currency: string;
}

export interface RequestedLine {
  sku: string;
  quantity: number;
}

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
}

export type Pricing =
  | { ok: true; lines: PricedLine[]; total: number; currency: string }
  | { ok: false; problem: 'duplicate_sku' | 'unknown_sku' | 'mixed_currency'; index: number; sku: string };

/** Prices an order from the catalog alone: the client never sets a price. */
export function priceOrder(requested: RequestedLine[], catalog: ReadonlyMap<string, CatalogEntry>): Pricing {
  const seen = new Set<string>();
  const lines: PricedLine[] = [];
  let currency: string | undefined;
  for (const [index, { sku, quantity }] of requested.entries()) {
    if (seen.has(sku)) return { ok: false, problem: 'duplicate_sku', index, sku };
    seen.add(sku);
    const entry = catalog.get(sku);
    if (!entry) return { ok: false, problem: 'unknown_sku', index, sku };
    currency ??= entry.currency;
    if (entry.currency !== currency) return { ok: false, problem: 'mixed_currency', index, sku };
    lines.push({ sku, name: entry.name, quantity, unitPrice: entry.price });
  }
  const total = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  return { ok: true, lines, total, currency: currency ?? 'BRL' };
}
