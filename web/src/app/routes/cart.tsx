import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { cart } from '../../features/cart/cart-store';
import { CartView, type CheckoutRequest } from '../../features/cart/components/cart-view';
import type { RetryAdjustments } from '../../features/cart/retry-lines';
import { emptyAddress, readLastAddress, saveLastAddress } from '../../features/cart/shipping-address';
import { usePlaceOrder } from '../../features/orders/api/place-order';
import { announce } from '../../lib/announcer';
import { useSession } from '../../lib/auth-store';
import { isRecord } from '../../lib/storage';
import { useDocumentTitle } from '../../lib/use-document-title';

/** The adjustments a retry of an out-of-stock order left in the history entry that opened the cart. */
const retriedFrom = (state: unknown): RetryAdjustments | null =>
  isRecord(state) && isRecord(state.retried) && Array.isArray(state.retried.lowered) && Array.isArray(state.retried.leftOut)
    ? (state.retried as unknown as RetryAdjustments)
    : null;

export function CartPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('cart.title'));
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const placeOrder = usePlaceOrder();
  const user = session?.user ?? null;

  function checkout(request: CheckoutRequest) {
    if (placeOrder.isPending || !user) return;
    const body = {
      items: request.items,
      ...(request.note ? { note: request.note } : {}),
      shippingAddress: request.shippingAddress,
      paymentMethod: request.paymentMethod,
    };
    const idempotencyKey = cart.checkoutKey(JSON.stringify(body));
    placeOrder.mutate({ body, idempotencyKey }, {
      onSuccess: (order) => {
        cart.clear();
        saveLastAddress(user.id, request.shippingAddress);
        announce(t('orders.placed', { number: order.number }));
        void navigate(`/orders/${order.id}`);
      },
    });
  }

  return (
    <CartView
      // A new form when the customer changes: the address starts from theirs.
      key={user?.id ?? 'visitor'}
      signedIn={Boolean(session)}
      placing={placeOrder.isPending}
      error={placeOrder.error}
      onPlaceOrder={checkout}
      onSignInFirst={() => void navigate('/login', { state: { from: '/cart', reason: 'checkout' } })}
      initialAddress={(user && readLastAddress(user.id)) ?? emptyAddress(user?.name ?? '')}
      retried={retriedFrom(location.state)}
    />
  );
}
