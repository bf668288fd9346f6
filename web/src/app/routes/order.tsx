import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { Order, Shortage } from '@pedidos/contracts/orders';
import { cart } from '../../features/cart/cart-store';
import { retryLines } from '../../features/cart/retry-lines';
import { OrderDetail } from '../../features/orders/components/order-detail';

/** A customer's own order; administrators open any order in the back office (routes/admin/order.tsx). */
export function OrderPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();

  // The order's lines join what the cart holds now (each replacing its SKU's line), so nothing added since is lost.
  function retryWithAvailable(order: Order, shortages: Shortage[]) {
    const { lines, lowered, leftOut } = retryLines(order, shortages);
    cart.put(lines);
    void navigate('/cart', { state: { retried: { lowered, leftOut } } });
  }

  return <OrderDetail key={id} id={id} back={{ to: '/orders', label: t('orders.backToList') }} onRetryAvailable={retryWithAvailable} />;
}
