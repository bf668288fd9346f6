import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { OrderDetail } from '../../features/orders/components/order-detail';

/** A customer's own order; administrators open any order in the back office (routes/admin/order.tsx). */
export function OrderPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  return <OrderDetail key={id} id={id} back={{ to: '/orders', label: t('orders.backToList') }} />;
}
