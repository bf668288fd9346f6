import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { OrderPayment } from '../../../features/admin/components/order-payment';
import { OrderDetail } from '../../../features/orders/components/order-detail';

/** An order in the back office: what the customer sees, and its payment with refunds. */
export function AdminOrderPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  return <OrderDetail key={id} id={id} back={{ to: '/admin/orders', label: t('admin.backToOrders') }} backOffice={(order) => <OrderPayment order={order} />} />;
}
