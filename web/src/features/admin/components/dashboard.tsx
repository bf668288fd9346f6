import { lazy, Suspense, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ORDER_STATUSES, type OrderStats, type StatsTopProduct } from '@pedidos/contracts/orders';
import { EmptyState } from '../../../components/empty-state';
import { QueryError } from '../../../components/query-error';
import { Sku } from '../../../components/sku';
import { Spinner } from '../../../components/spinner';
import { useFormat } from '../../../lib/format';
import { dayOf } from '../../../lib/local-day';
import { useProductStats } from '../api/get-dashboard-data';
import { useOrderStats } from '../api/get-order-stats';
import {
  amountIn, change, currenciesOf, lowStock, LOW_STOCK_BELOW, moneyOf, rangeChoiceFrom, rangeSearch, rejectedShare, resolveRange,
  type DashboardRange,
} from '../dashboard-stats';
import type { ChartRow } from './dashboard-charts';
import { RangePicker } from './range-picker';

// recharts is the heaviest dependency: only the dashboard downloads it.
const PeriodChart = lazy(() => import('./dashboard-charts').then((m) => ({ default: m.PeriodChart })));

const MINUTE = 60_000;

/** The end of the current minute, moving on each minute: ranges ending "now" keep one query key for a minute. */
function useMinute(): Date {
  const next = () => new Date(Math.ceil((Date.now() + 1) / MINUTE) * MINUTE);
  const [now, setNow] = useState(next);
  useEffect(() => {
    const timer = setInterval(() => setNow(next()), MINUTE);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function Dashboard() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const now = useMinute();
  const today = new Date(now.getTime() - 1);
  const choice = rangeChoiceFrom(params, dayOf(today));
  const range = resolveRange(choice, now);
  const current = useOrderStats(range.current, range.bucket);
  const previous = useOrderStats(range.previous, range.bucket);
  const failed = current.isError ? current : previous.isError ? previous : undefined;

  return (
    <>
      <div className="page-header">
        <h1>{t('admin.dashboardTitle')}</h1>
      </div>
      <RangePicker choice={choice} today={today} onCustom={(from, to) => setParams(rangeSearch({ kind: 'custom', from, to }), { replace: true })} />
      <RangeDescription range={range} />
      {failed ? (
        <QueryError error={failed.error} onRetry={() => void failed.refetch()} />
      ) : current.data && previous.data ? (
        <div className="dashboard-figures" aria-busy={current.isPlaceholderData || previous.isPlaceholderData || undefined}>
          <Figures current={current.data} previous={previous.data} />
          <Suspense fallback={<Spinner label={t('admin.loadingCharts')} />}>
            <Charts range={range} current={current.data} previous={previous.data} />
          </Suspense>
          <StatusTable current={current.data} previous={previous.data} />
          <TopProducts products={current.data.topProducts} />
        </div>
      ) : (
        <Spinner />
      )}
      <LowStock />
    </>
  );
}

function RangeDescription({ range }: { range: DashboardRange }) {
  const { t } = useTranslation();
  const { locale } = useFormat();
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  // `to` is exclusive; the minute before it is the last one counted.
  const span = (p: { from: Date; to: Date }) => format.formatRange(p.from, new Date(p.to.getTime() - MINUTE));
  return (
    <p className="muted range-description">
      {t('dashboard.rangeDescription', { current: span(range.current), previous: span(range.previous) })}
    </p>
  );
}

function Figures({ current, previous }: { current: OrderStats; previous: OrderStats }) {
  const { t } = useTranslation();
  const format = useFormat();
  const currencies = currenciesOf(...moneyOf(current), ...moneyOf(previous));
  const labelled = (key: string, currency: string) => (currencies.length > 1 ? `${t(key)} (${currency})` : t(key));
  const money = (key: 'revenue' | 'averageOrder' | 'captured' | 'refunded') => currencies.map((currency) => (
    <Figure key={`${key}-${currency}`} label={labelled(`dashboard.${key}`, currency)} current={amountIn(current[key], currency)}
      previous={amountIn(previous[key], currency)} format={(v) => format.money(v, currency)} />
  ));
  return (
    <section className="tiles" aria-label={t('dashboard.figures')}>
      <Figure label={t('dashboard.orders')} current={current.orders} previous={previous.orders} format={format.number} />
      {money('revenue')}
      {money('averageOrder')}
      <Figure label={t('dashboard.rejected')} current={current.byStatus.rejected} previous={previous.byStatus.rejected} format={format.number}
        note={t('dashboard.rejectedShare', { share: rejectedShare(current.byStatus.rejected, current.orders) })} />
      {money('captured')}
      {money('refunded')}
    </section>
  );
}

/** A figure beside the previous period's, the change said in words (an arrow too), not by colour alone. */
function Figure({ label, current, previous, format, note }: { label: string; current: number; previous: number; format: (value: number) => string; note?: string }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const id = useId();
  const difference = change(current, previous);
  const arrow = { up: '▲', down: '▼', same: '=', new: '▲' }[difference.direction];
  return (
    <div className="tile figure" role="group" aria-labelledby={id}>
      <p id={id} className="figure-label">{label}</p>
      <p className="figure-value">{format(current)}</p>
      {note && <p className="figure-note">{note}</p>}
      <p className="figure-compare">
        <span className={`change change-${difference.direction}`}>
          <span aria-hidden="true">{arrow} </span>
          {t(`dashboard.change.${difference.direction}`, { percent: number('percent' in difference ? difference.percent : 0) })}
        </span>{' '}
        <span className="nowrap">{t('dashboard.previousValue', { value: format(previous) })}</span>
      </p>
    </div>
  );
}

function Charts({ range, current, previous }: { range: DashboardRange; current: OrderStats; previous: OrderStats }) {
  const { t } = useTranslation();
  const format = useFormat();
  const currency = currenciesOf(current.revenue, previous.revenue)[0]!;
  const label = new Intl.DateTimeFormat(format.locale, range.bucket === 'hour' ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' });
  const compact = new Intl.NumberFormat(format.locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 });
  const rows = (value: (bucket: OrderStats['series'][number]) => number): ChartRow[] =>
    current.series.map((bucket, i) => ({
      key: bucket.start,
      label: label.format(new Date(bucket.start)),
      current: value(bucket),
      previous: previous.series[i] ? value(previous.series[i]) : 0,
    }));
  const headings = { current: t('dashboard.thisPeriod'), previous: t('dashboard.previousPeriod') };
  return (
    <div className="charts charts-even">
      <PeriodChart title={t(`dashboard.ordersPer.${range.bucket}`)} rows={rows((b) => b.orders)} formatValue={format.number} formatAxis={format.number} valueHeading={headings} />
      <PeriodChart
        title={t(`dashboard.revenuePer.${range.bucket}`, { currency })}
        rows={rows((b) => amountIn(b.revenue, currency))}
        formatValue={(v) => format.money(v, currency)}
        formatAxis={(v) => compact.format(v / 100)}
        valueHeading={headings}
      />
    </div>
  );
}

function StatusTable({ current, previous }: { current: OrderStats; previous: OrderStats }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="by-status-title">
      <h2 id="by-status-title">{t('dashboard.byStatus')}</h2>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col" className="num">{t('dashboard.thisPeriod')}</th>
              <th scope="col" className="num">{t('dashboard.previousPeriod')}</th>
            </tr>
          </thead>
          <tbody>
            {ORDER_STATUSES.map((s) => (
              <tr key={s}>
                <th scope="row">{t(`status.${s}`)}</th>
                <td className="num">{format.number(current.byStatus[s])}</td>
                <td className="num">{format.number(previous.byStatus[s])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The best sellers of the range, by units; revenue per currency they sold in. */
function TopProducts({ products }: { products: StatsTopProduct[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="top-products-title">
      <h2 id="top-products-title">{t('dashboard.topProducts')}</h2>
      {products.length === 0 ? (
        <EmptyState title={t('dashboard.noTopProducts')} />
      ) : (
        <div className="table-wrap">
          <table className="table top-products">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.product')}</th>
                <th scope="col" className="num">{t('dashboard.units')}</th>
                <th scope="col" className="num">{t('dashboard.revenue')}</th>
              </tr>
            </thead>
            <tbody>
              {products.map((p) => (
                <tr key={p.sku}>
                  <th scope="row">
                    {p.name}{' '}
                    <span className="muted small">
                      <Sku value={p.sku} />
                    </span>
                  </th>
                  <td className="num">{format.number(p.units)}</td>
                  <td className="num">{format.amounts(p.revenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function LowStock() {
  const { t } = useTranslation();
  const products = useProductStats();
  const low = useMemo(() => (products.data ? lowStock(products.data) : null), [products.data]);
  return (
    <section className="card" aria-labelledby="low-stock-title">
      <h2 id="low-stock-title">{t('admin.lowStock', { below: LOW_STOCK_BELOW })}</h2>
      {products.isPending ? (
        <Spinner />
      ) : products.isError ? (
        <QueryError error={products.error} onRetry={() => void products.refetch()} />
      ) : low && low.length === 0 ? (
        <EmptyState title={t('admin.noLowStock')} />
      ) : (
        <ul className="low-stock" aria-label={t('admin.lowStockList')}>
          {low?.map((p) => (
            <li key={p.sku}>
              <span>
                <span className="strong">{p.name}</span>{' '}
                <span className="muted small">
                  <Sku value={p.sku} />
                </span>
              </span>
              <span className={p.available === 0 ? 'badge badge-rejected' : 'badge badge-pending'}>
                {p.available === 0 ? t('catalog.outOfStock') : t('admin.availableCount', { count: p.available })}
              </span>
              <Link to={`/admin/products/${encodeURIComponent(p.sku)}/movements`} className="small">
                {t('admin.movements')}
                <span className="visually-hidden"> {p.name}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
