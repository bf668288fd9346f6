import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DateTime } from '../../../components/date-time';
import { EmptyState } from '../../../components/empty-state';
import { Money } from '../../../components/money';
import { OrderStatusBadge } from '../../../components/order-status-badge';
import { Pager } from '../../../components/pager';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useMyOrders } from '../api/get-my-orders';

export function OrderList() {
  const { t } = useTranslation();
  const pages = useCursorPages();
  const orders = useMyOrders(pages.cursor);

  if (orders.isPending) return <Spinner />;
  if (orders.isError) return <QueryError error={orders.error} onRetry={() => void orders.refetch()} />;
  if (orders.data.items.length === 0 && pages.page === 1) {
    return (
      <EmptyState title={t('orders.empty')}>
        <Link to="/" className="btn btn-primary">
          {t('cart.browse')}
        </Link>
      </EmptyState>
    );
  }
  return (
    <>
      <ul className="order-list" aria-label={t('orders.listLabel')} aria-busy={orders.isPlaceholderData || undefined}>
        {orders.data.items.map((order) => (
          <li key={order.id} className="card order-row">
            <Link to={`/orders/${order.id}`} className="order-row-link">
              {t('orders.number', { number: order.number })}
            </Link>
            <span className="muted">
              <DateTime value={order.createdAt} />
            </span>
            <span className="muted">{t('orders.itemCount', { count: order.items.reduce((n, i) => n + i.quantity, 0) })}</span>
            <Money value={order.total} currency={order.currency} />
            <OrderStatusBadge status={order.status} />
          </li>
        ))}
      </ul>
      <Pager pages={pages} nextCursor={orders.data.nextCursor} busy={orders.isFetching} />
    </>
  );
}
