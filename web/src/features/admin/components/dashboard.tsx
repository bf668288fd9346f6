import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState } from '../../../components/empty-state';
import { Money } from '../../../components/money';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { useProductStats, useRecentOrders } from '../api/get-dashboard-data';
import { useOperations } from '../api/get-operations';
import { lowStock, LOW_STOCK_BELOW, ordersPerMinute, paymentTotals, statusTotals, topProducts } from '../dashboard-stats';

// recharts is the heaviest dependency: only the dashboard downloads it.
const DashboardCharts = lazy(() => import('./dashboard-charts').then((m) => ({ default: m.DashboardCharts })));

export function Dashboard() {
  const { t } = useTranslation();
  const orders = useRecentOrders();
  const products = useProductStats();
  const operations = useOperations();

  const stats = useMemo(() => {
    if (!orders.data) return null;
    const { now, orders: recent } = orders.data;
    const totals = statusTotals(recent);
    const revenue = recent.filter((o) => ['confirmed', 'shipped', 'delivered'].includes(o.status)).reduce((sum, o) => sum + o.total, 0);
    return { perMinute: ordersPerMinute(recent, now), top: topProducts(recent), totals, revenue, money: paymentTotals(recent), count: recent.length };
  }, [orders.data]);
  const low = useMemo(() => (products.data ? lowStock(products.data) : null), [products.data]);

  return (
    <>
      <h1>{t('admin.dashboardTitle')}</h1>
      {orders.isError && <QueryError error={orders.error} onRetry={() => void orders.refetch()} />}
      {stats && (
        <dl className="tiles">
          <div className="tile">
            <dt>{t('admin.ordersLastHour')}</dt>
            <dd>{stats.count}</dd>
          </div>
          <div className="tile">
            <dt>{t('admin.pendingNow')}</dt>
            <dd>{stats.totals.pending}</dd>
          </div>
          <div className="tile">
            <dt>{t('admin.rejectedLastHour')}</dt>
            <dd>{stats.totals.rejected}</dd>
          </div>
          <div className="tile">
            <dt>{t('admin.revenueLastHour')}</dt>
            <dd><Money value={stats.revenue} /></dd>
          </div>
          <div className="tile">
            <dt>{t('admin.capturedLastHour')}</dt>
            <dd data-testid="captured-total"><Money value={stats.money.captured} /></dd>
          </div>
          <div className="tile">
            <dt>{t('admin.refundedLastHour')}</dt>
            <dd data-testid="refunded-total"><Money value={stats.money.refunded} /></dd>
          </div>
        </dl>
      )}
      {orders.data?.truncated && <p className="muted small">{t('admin.truncated')}</p>}
      {orders.isPending ? (
        <Spinner />
      ) : stats ? (
        <Suspense fallback={<Spinner label={t('admin.loadingCharts')} />}>
          <DashboardCharts perMinute={stats.perMinute} top={stats.top} />
        </Suspense>
      ) : null}
      <section className="card" aria-labelledby="operations-title">
        <h2 id="operations-title">{t('admin.operations')}</h2>
        {operations.isPending ? (
          <Spinner />
        ) : operations.isError ? (
          <QueryError error={operations.error} onRetry={() => void operations.refetch()} />
        ) : (
          <dl className="tiles">
            {Object.entries(operations.data).map(([service, report]) => (
              <div className="tile" key={service}>
                <dt>{t('admin.operationsOf', { service })}</dt>
                <dd>
                  <span data-testid={`outbox-${service}`}>{t('admin.outboxBacklog', { count: report.outbox.backlog })}</span>
                  <br />
                  <span data-testid={`dead-letters-${service}`}>
                    {t('admin.deadLetters', { count: Object.values(report.deadLetters).reduce((a, b) => a + b, 0) })}
                  </span>
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>
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
                  <span className="strong">{p.name}</span> <span className="muted small">{p.sku}</span>
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
    </>
  );
}
