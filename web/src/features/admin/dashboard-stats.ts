import type { Product } from '@pedidos/contracts/inventory';
import type { CurrencyAmount, OrderStats, StatsBucket } from '@pedidos/contracts/orders';
import { addDays, parseDay } from '../../lib/local-day';

export const LOW_STOCK_BELOW = 10;

export function lowStock(products: Product[]): Product[] {
  return products.filter((p) => p.available < LOW_STOCK_BELOW).sort((a, b) => a.available - b.available || a.sku.localeCompare(b.sku));
}

export const RANGE_PRESETS = ['today', '7d', '30d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** What the address bar says: a preset (`?range=7d`) or two calendar days, both included (`?from=2026-12-01&to=2026-12-07`). */
export type RangeChoice = { kind: RangePreset } | { kind: 'custom'; from: string; to: string };

export interface Period {
  from: Date;
  to: Date;
}

export interface DashboardRange {
  current: Period;
  /** As long as `current` and just before it, shifted by whole days so its buckets line up with the current ones. */
  previous: Period;
  bucket: StatsBucket;
}

/** Ranges a little under the server's 366 days, so a daylight-saving hour cannot push one over. */
export const MAX_CUSTOM_DAYS = 365;
const PRESET_DAYS: Record<RangePreset, number> = { today: 1, '7d': 7, '30d': 30 };

const midnight = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate());

/** Whole calendar days from `from` to `to`, both included. */
const daysBetween = (from: Date, to: Date) => Math.round((midnight(to).getTime() - midnight(from).getTime()) / 86_400_000) + 1;

export type CustomRangeProblem = 'fromMissing' | 'toMissing' | 'toBeforeFrom' | 'tooLong' | 'inFuture';

/** What is wrong with a custom range typed into the form, if anything; `today` is the local day. */
export function customRangeProblems(from: string, to: string, today: string): Partial<Record<'from' | 'to', CustomRangeProblem>> {
  const start = parseDay(from);
  const end = parseDay(to);
  const problems: Partial<Record<'from' | 'to', CustomRangeProblem>> = {};
  if (!start) problems.from = 'fromMissing';
  else if (from > today) problems.from = 'inFuture';
  if (!end) problems.to = 'toMissing';
  else if (start && end < start) problems.to = 'toBeforeFrom';
  else if (start && daysBetween(start, end) > MAX_CUSTOM_DAYS) problems.to = 'tooLong';
  return problems;
}

/** The range the address asks for; anything it cannot read is today. */
export function rangeChoiceFrom(params: URLSearchParams, today: string): RangeChoice {
  const from = params.get('from');
  const to = params.get('to');
  if (from !== null && to !== null && Object.keys(customRangeProblems(from, to, today)).length === 0) return { kind: 'custom', from, to };
  const preset = RANGE_PRESETS.find((p) => p === params.get('range'));
  return { kind: preset ?? 'today' };
}

export const rangeSearch = (choice: RangeChoice): Record<string, string> =>
  choice.kind === 'custom' ? { from: choice.from, to: choice.to } : { range: choice.kind };

/** The instants a choice covers up to `now`: whole local days, hours for today. */
export function resolveRange(choice: RangeChoice, now: Date): DashboardRange {
  // `now` may be the end of the day's last minute, which is already tomorrow's midnight.
  const today = midnight(new Date(now.getTime() - 1));
  let from: Date;
  let to: Date;
  let days: number;
  if (choice.kind === 'custom') {
    from = parseDay(choice.from)!;
    const end = addDays(parseDay(choice.to)!, 1);
    to = end < now ? end : now;
    days = daysBetween(from, parseDay(choice.to)!);
  } else {
    days = PRESET_DAYS[choice.kind];
    from = addDays(today, 1 - days);
    to = now;
  }
  return {
    current: { from, to },
    previous: { from: addDays(from, -days), to: addDays(to, -days) },
    bucket: choice.kind === 'today' ? 'hour' : 'day',
  };
}

export type Change = { direction: 'up' | 'down'; percent: number } | { direction: 'same' } | { direction: 'new' };

/** How `current` compares with `previous`: a percentage, or "new" when there was nothing before. */
export function change(current: number, previous: number): Change {
  if (current === previous) return { direction: 'same' };
  if (previous === 0) return { direction: 'new' };
  return { direction: current > previous ? 'up' : 'down', percent: Math.round((Math.abs(current - previous) / previous) * 100) };
}

export const amountIn = (amounts: CurrencyAmount[], currency: string) => amounts.find((a) => a.currency === currency)?.amount ?? 0;

/** Every sum of money a period's figures hold, for `currenciesOf`. */
export const moneyOf = (stats: Pick<OrderStats, 'revenue' | 'captured' | 'refunded'>): CurrencyAmount[][] => [stats.revenue, stats.captured, stats.refunded];

/** Every currency either period took money in; the shop's own (BRL) when neither took any. */
export function currenciesOf(...lists: CurrencyAmount[][]): string[] {
  const currencies = [...new Set(lists.flat().map((a) => a.currency))].sort();
  return currencies.length > 0 ? currencies : ['BRL'];
}

/** Rejected orders as a whole percentage of all orders; 0 without orders. */
export const rejectedShare = (rejected: number, orders: number) => (orders === 0 ? 0 : Math.round((rejected / orders) * 100));
