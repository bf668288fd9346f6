import { useTranslation } from 'react-i18next';
import type { Order, Shortage } from '@pedidos/contracts/orders';
import { Button } from '../../../components/button';

/** The shortages of the rejection that ended an out-of-stock order, if that is how it ended. */
export function shortagesOf(order: Order): Shortage[] | null {
  if (order.status !== 'rejected') return null;
  const rejection = order.history.findLast((h) => h.status === 'rejected');
  return rejection?.reason === 'out_of_stock' && rejection.shortages && rejection.shortages.length > 0 ? rejection.shortages : null;
}

interface OrderShortagesProps {
  order: Order;
  shortages: Shortage[];
  /** Offered when given and something is left to order: the order's lines again, lowered to what was available. */
  onRetry?: (() => void) | undefined;
}

/** Which lines inventory could not cover, by how much, and a way to order what there was. */
export function OrderShortages({ order, shortages, onRetry }: OrderShortagesProps) {
  const { t } = useTranslation();
  const nameOf = (sku: string) => order.items.find((i) => i.sku === sku)?.name ?? sku;
  // In the order's own line order, as the items table shows them.
  const position = (sku: string) => order.items.findIndex((i) => i.sku === sku);
  const lines = [...shortages].sort((a, b) => position(a.sku) - position(b.sku));
  const somethingLeft = order.items.some((item) => (shortages.find((s) => s.sku === item.sku)?.available ?? item.quantity) > 0);
  return (
    <div className="order-shortages" data-testid="order-shortages">
      <p className="order-shortages-title">{t('orders.shortages.title')}</p>
      <ul aria-label={t('orders.shortages.list')}>
        {lines.map((s) => (
          <li key={s.sku}>
            {s.available === 0
              ? t('orders.shortages.none', { name: nameOf(s.sku), requested: s.requested })
              : t('orders.shortages.line', { name: nameOf(s.sku), requested: s.requested, count: s.available })}
          </li>
        ))}
      </ul>
      {onRetry && (somethingLeft ? (
        <>
          <p className="muted small">{t('orders.shortages.retryHint')}</p>
          <Button onClick={onRetry}>{t('orders.shortages.retry')}</Button>
        </>
      ) : (
        <p className="muted small">{t('orders.shortages.nothingLeft')}</p>
      ))}
    </div>
  );
}
