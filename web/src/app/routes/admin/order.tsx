import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { OrderActivity } from '../../../features/admin/components/order-activity';
import { OrderCustomer } from '../../../features/admin/components/order-customer';
import { OrderPayment } from '../../../features/admin/components/order-payment';
import { OrderDetail } from '../../../features/orders/components/order-detail';

/** An order in the back office: what the customer sees, who ordered and where it goes, who did what with staff notes, and its payment with refunds. */
export function AdminOrderPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  return (
    <OrderDetail
      key={id}
      id={id}
      back={{ to: '/admin/orders', label: t('admin.backToOrders') }}
      timeline={(order) => <OrderActivity order={order} />}
      backOffice={(order) => (
        <>
          <OrderCustomer order={order} />
          <OrderPayment order={order} />
        </>
      )}
    />
  );
}
