import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { cart } from '../../features/cart/cart-store';
import { CartView, type CheckoutRequest } from '../../features/cart/components/cart-view';
import { usePlaceOrder } from '../../features/orders/api/place-order';
import { announce } from '../../lib/announcer';
import { useSession } from '../../lib/auth-store';
import { useDocumentTitle } from '../../lib/use-document-title';

export function CartPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('cart.title'));
  const session = useSession();
  const navigate = useNavigate();
  const placeOrder = usePlaceOrder();

  function checkout(request: CheckoutRequest) {
    if (placeOrder.isPending) return;
    const body = { items: request.items, ...(request.note ? { note: request.note } : {}), paymentMethod: request.paymentMethod };
    const idempotencyKey = cart.checkoutKey(JSON.stringify(body));
    placeOrder.mutate({ body, idempotencyKey }, {
      onSuccess: (order) => {
        cart.clear();
        announce(t('orders.placed', { number: order.number }));
        void navigate(`/orders/${order.id}`);
      },
    });
  }

  return (
    <CartView
      signedIn={Boolean(session)}
      placing={placeOrder.isPending}
      error={placeOrder.error}
      onPlaceOrder={checkout}
      onSignInFirst={() => void navigate('/login', { state: { from: '/cart', reason: 'checkout' } })}
    />
  );
}
