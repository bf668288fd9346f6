import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Order, OrderSort, OrderStatus, OrderSummary } from '@pedidos/contracts/orders';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DateTime } from '../../../components/date-time';
import { EmptyState } from '../../../components/empty-state';
import { Money } from '../../../components/money';
import { OrderStatusBadge } from '../../../components/order-status-badge';
import { Pager } from '../../../components/pager';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { errorMessage } from '../../../lib/error-message';
import { useFormat } from '../../../lib/format';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useExportOrders } from '../api/export-orders';
import { useAllOrders } from '../api/get-all-orders';
import { useOrderSummary } from '../api/get-order-summary';
import { useOrderAction, type OrderAction } from '../api/order-action';
import { BulkOrderActions } from './bulk-order-actions';
import { OrderListFilters } from './order-list-filters';
import { useOrderListView } from './order-list-view';

type SortColumn = 'number' | 'customer' | 'total';

/** A column's sort after a click on its header: the other direction if it is the current one, else its usual first. */
const sortAfterClick = (column: SortColumn, current: OrderSort): OrderSort => {
  if (current === column) return `-${column}`;
  if (current === `-${column}`) return column;
  return column === 'number' ? '-number' : column;
};

export function AdminOrders() {
  const { t } = useTranslation();
  const { view, filter, update } = useOrderListView();
  const pages = useCursorPages();
  const orders = useAllOrders(filter, view.sort, pages.cursor);
  const summary = useOrderSummary(filter);
  const exporting = useExportOrders();
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const items = orders.data?.items ?? [];
  const selected = items.filter((o) => selectedIds.has(o.id));
  const allSelected = items.length > 0 && selected.length === items.length;
  const filtered = Boolean(filter.q || filter.status || filter.from || filter.to);

  const toggle = (ids: string[], on: boolean) =>
    setSelectedIds((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const header = (column: SortColumn, label: string, className?: string) => {
    const active = view.sort.replace(/^-/, '') === column;
    return (
      <th scope="col" className={className} aria-sort={active ? (view.sort.startsWith('-') ? 'descending' : 'ascending') : undefined}>
        <button type="button" className="sort-button" onClick={() => update({ sort: sortAfterClick(column, view.sort) })}>
          {label}
          <span className="sort-arrow" aria-hidden="true">
            {active ? (view.sort.startsWith('-') ? '↓' : '↑') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <>
      <h1>{t('admin.ordersTitle')}</h1>
      <OrderListFilters view={view} update={update} />
      <div className="orders-toolbar">
        <p className="orders-summary" role="status">
          {summary.data && <SummaryText summary={summary.data} />}
        </p>
        <Button variant="secondary" size="sm" pending={exporting.isPending} onClick={() => exporting.mutate({ filter, sort: view.sort })}>
          {t('admin.orderList.export')}
        </Button>
      </div>
      {exporting.isError && <Alert>{errorMessage(exporting.error, t)}</Alert>}
      <BulkOrderActions selected={selected} onDone={() => setSelectedIds(new Set())} />
      {orders.isPending ? (
        <Spinner />
      ) : orders.isError ? (
        <QueryError error={orders.error} onRetry={() => void orders.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? t('admin.orderList.noMatch') : t('admin.noOrders')} />
      ) : (
        <div className="table-wrap card" aria-busy={orders.isPlaceholderData || undefined}>
          <table className="table orders-table">
            <caption className="visually-hidden">{t('admin.ordersTitle')}</caption>
            <thead>
              <tr>
                <td className="select-cell">
                  <input
                    type="checkbox"
                    aria-label={t('admin.orderList.selectAll')}
                    checked={allSelected}
                    ref={(box) => {
                      if (box) box.indeterminate = selected.length > 0 && !allSelected;
                    }}
                    onChange={(e) => toggle(items.map((o) => o.id), e.target.checked)}
                  />
                </td>
                {header('number', t('admin.order'))}
                <th scope="col" className="date-cell">{t('admin.placed')}</th>
                {header('customer', t('admin.orderList.customer'))}
                <th scope="col" className="status-cell">{t('admin.status')}</th>
                {header('total', t('admin.orderList.total'), 'num')}
                <th scope="col" className="actions-cell">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((order) => (
                <OrderRow key={order.id} order={order} selected={selectedIds.has(order.id)} onSelect={(on) => toggle([order.id], on)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {orders.isSuccess && <Pager pages={pages} nextCursor={orders.data.nextCursor} busy={orders.isFetching} />}
    </>
  );
}

/** "42 orders · R$ 1.234,00", one sum per currency. */
function SummaryText({ summary }: { summary: OrderSummary }) {
  const { t } = useTranslation();
  const format = useFormat();
  const sums = format.amounts(summary.totals);
  return <>{[t('admin.orderList.count', { count: summary.count }), sums].filter(Boolean).join(' · ')}</>;
}

const ACTIONS: { action: OrderAction; from: OrderStatus[]; variant: 'primary' | 'secondary' | 'danger' }[] = [
  { action: 'ship', from: ['confirmed'], variant: 'primary' },
  { action: 'deliver', from: ['shipped'], variant: 'primary' },
  { action: 'cancel', from: ['pending', 'confirmed'], variant: 'danger' },
];

function OrderRow({ order, selected, onSelect }: { order: Order; selected: boolean; onSelect: (on: boolean) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const action = useOrderAction();
  const [asking, setAsking] = useState<OrderAction | null>(null);
  const allowed = ACTIONS.filter((a) => a.from.includes(order.status));
  return (
    <tr>
      <td className="select-cell">
        <input type="checkbox" aria-label={t('admin.orderList.select', { number: order.number })} checked={selected} onChange={(e) => onSelect(e.target.checked)} />
      </td>
      <td className="number-cell">
        <Link to={`/admin/orders/${order.id}`}>{t('orders.number', { number: order.number })}</Link>
      </td>
      <td className="date-cell muted">
        <DateTime value={order.createdAt} />
      </td>
      <td className="customer-cell">
        <span className="customer-name">{order.customer?.name ?? '—'}</span>
        {order.customer?.email && <span className="customer-email muted">{order.customer.email}</span>}
      </td>
      <td className="status-cell">
        <OrderStatusBadge status={order.status} />
      </td>
      <td className="num total-cell">
        <Money value={order.total} currency={order.currency} />
      </td>
      <td className="actions-cell">
        <div className="row-actions">
          {allowed.map(({ action: name, variant }) => (
            <Button
              key={name}
              size="sm"
              variant={variant}
              pending={action.isPending && action.variables?.action === name}
              disabled={action.isPending}
              aria-haspopup="dialog"
              onClick={() => setAsking(name)}
            >
              {t(`admin.action.${name}`)}
            </Button>
          ))}
        </div>
        {action.isError && <Alert>{errorMessage(action.error, t)}</Alert>}
        {asking && (
          <ConfirmDialog
            title={t(`admin.confirm.${asking}.title`, { number: order.number })}
            confirmLabel={t(`admin.confirm.${asking}.confirm`)}
            pending={action.isPending}
            onCancel={() => setAsking(null)}
            onConfirm={() => action.mutate({ id: order.id, action: asking }, { onSettled: () => setAsking(null) })}
          >
            <p>{t(`admin.confirm.${asking}.text`, { total: format.money(order.total, order.currency) })}</p>
          </ConfirmDialog>
        )}
      </td>
    </tr>
  );
}
