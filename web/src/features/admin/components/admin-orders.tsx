import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { Order, OrderStatus } from '@pedidos/contracts/orders';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DateTime } from '../../../components/date-time';
import { EmptyState } from '../../../components/empty-state';
import { Money } from '../../../components/money';
import { OrderStatusBadge } from '../../../components/order-status-badge';
import { Pager } from '../../../components/pager';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { errorMessage } from '../../../lib/error-message';
import { useFormat } from '../../../lib/format';
import { useAllOrders } from '../api/get-all-orders';
import { useOrderAction, type OrderAction } from '../api/order-action';

export const STATUSES: OrderStatus[] = ['pending', 'confirmed', 'shipped', 'delivered', 'rejected', 'cancelled'];

const ACTIONS: { action: OrderAction; from: OrderStatus[]; variant: 'primary' | 'secondary' | 'danger' }[] = [
  { action: 'ship', from: ['confirmed'], variant: 'primary' },
  { action: 'deliver', from: ['shipped'], variant: 'primary' },
  { action: 'cancel', from: ['pending', 'confirmed'], variant: 'danger' },
];

export function AdminOrders() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = STATUSES.find((s) => s === raw);
  // A new filter starts again from the first page.
  const pages = useCursorPages(status ?? '');
  const orders = useAllOrders(status, pages.cursor);

  return (
    <>
      <div className="page-header">
        <h1>{t('admin.ordersTitle')}</h1>
        <div className="field field-inline">
          <label htmlFor="status-filter">{t('admin.status')}</label>
          <select
            id="status-filter"
            value={status ?? ''}
            onChange={(event) => {
              const next = new URLSearchParams(params);
              if (event.target.value) next.set('status', event.target.value);
              else next.delete('status');
              setParams(next, { replace: true });
            }}
          >
            <option value="">{t('admin.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {orders.isPending ? (
        <Spinner />
      ) : orders.isError ? (
        <QueryError error={orders.error} onRetry={() => void orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <EmptyState title={status ? t('admin.noOrdersWithStatus', { status: t(`status.${status}`) }) : t('admin.noOrders')} />
      ) : (
        <div className="table-wrap card" aria-busy={orders.isPlaceholderData || undefined}>
          <table className="table table-responsive">
            <caption className="visually-hidden">{t('admin.ordersTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.order')}</th>
                <th scope="col">{t('admin.placed')}</th>
                <th scope="col" className="num">{t('admin.units')}</th>
                <th scope="col" className="num">{t('cart.total')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.data.items.map((order) => (
                <AdminOrderRow key={order.id} order={order} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {orders.isSuccess && <Pager pages={pages} nextCursor={orders.data.nextCursor} busy={orders.isFetching} />}
    </>
  );
}

function AdminOrderRow({ order }: { order: Order }) {
  const { t } = useTranslation();
  const format = useFormat();
  const action = useOrderAction();
  const [asking, setAsking] = useState<OrderAction | null>(null);
  const allowed = ACTIONS.filter((a) => a.from.includes(order.status));
  return (
    <tr>
      <td data-label={t('admin.order')}>
        <Link to={`/admin/orders/${order.id}`}>{t('orders.number', { number: order.number })}</Link>
      </td>
      <td data-label={t('admin.placed')}>
        <DateTime value={order.createdAt} />
      </td>
      <td data-label={t('admin.units')} className="num">
        {order.items.reduce((n, i) => n + i.quantity, 0)}
      </td>
      <td data-label={t('cart.total')} className="num">
        <Money value={order.total} currency={order.currency} />
      </td>
      <td data-label={t('admin.status')}>
        <OrderStatusBadge status={order.status} />
      </td>
      <td data-label={t('admin.actions')}>
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
          {allowed.length === 0 && <span className="muted">—</span>}
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
