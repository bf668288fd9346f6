import { useParams } from 'react-router';
import { OrderPayment } from '../../features/admin/components/order-payment';
import { OrderDetail } from '../../features/orders/components/order-detail';
import { useSession } from '../../lib/auth-store';

/** Customers and administrators open an order here (the back office's list links to it); administrators also see its payment and refunds. */
export function OrderPage() {
  const { id = '' } = useParams();
  const admin = useSession()?.user.role === 'admin';
  return <OrderDetail key={id} id={id} backOffice={admin ? (order) => <OrderPayment order={order} /> : undefined} />;
}
