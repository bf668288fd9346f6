import { useParams } from 'react-router';
import { OrderDetail } from '../../features/orders/components/order-detail';

export function OrderPage() {
  const { id = '' } = useParams();
  return <OrderDetail key={id} id={id} />;
}
