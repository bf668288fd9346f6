import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Order, Shortage } from '@pedidos/contracts/orders';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DateTime } from '../../../components/date-time';
import { Money } from '../../../components/money';
import { OrderStatusBadge } from '../../../components/order-status-badge';
import { QueryError } from '../../../components/query-error';
import { Sku } from '../../../components/sku';
import { Spinner } from '../../../components/spinner';
import { ApiError } from '../../../lib/api-client';
import { errorMessage } from '../../../lib/error-message';
import { usePayment } from '../../../lib/payment-query';
import { useDeclineText } from '../../../components/payment-entry';
import { useCancelOrder } from '../api/cancel-order';
import { useOrder } from '../api/get-order';
import { useOrderStreamState } from '../api/order-stream';
import { OrderShippingAddress } from './order-shipping-address';
import { OrderShortages, shortagesOf } from './order-shortages';
import { OrderTimeline } from './order-timeline';

const CANCELLABLE = new Set<Order['status']>(['pending', 'confirmed']);

interface OrderDetailProps {
  id: string;
  /** Where "Back" leads: the customer's own orders, or the back office's list. */
  back: { to: string; label: string };
  /** What the back office adds to the page (the payment and its refunds), given the order shown. */
  backOffice?: ((order: Order) => ReactNode) | undefined;
  /** The back office's own timeline (who did what, staff notes), shown in place of the customer's. */
  timeline?: ((order: Order) => ReactNode) | undefined;
  /** Offered on an out-of-stock rejection: order again what was available. */
  onRetryAvailable?: ((order: Order, shortages: Shortage[]) => void) | undefined;
}

export function OrderDetail({ id, back, backOffice, timeline, onRetryAvailable }: OrderDetailProps) {
  const { t } = useTranslation();
  const order = useOrder(id);

  if (order.isPending) return <Spinner />;
  if (order.isError) {
    if (order.error instanceof ApiError && (order.error.status === 404 || order.error.status === 400)) {
      return (
        <>
          <h1>{t('orders.notFoundTitle')}</h1>
          <p>{t('orders.notFound')}</p>
          <Link to={back.to}>{back.label}</Link>
        </>
      );
    }
    return <QueryError error={order.error} onRetry={() => void order.refetch()} />;
  }
  return <OrderView order={order.data} back={back} backOffice={backOffice} timeline={timeline} onRetryAvailable={onRetryAvailable} />;
}

function OrderView({ order: o, back, backOffice, timeline, onRetryAvailable }: { order: Order } & Pick<OrderDetailProps, 'back' | 'backOffice' | 'timeline' | 'onRetryAvailable'>) {
  const { t } = useTranslation();
  const cancel = useCancelOrder();
  const [askingToCancel, setAskingToCancel] = useState(false);
  const stream = useOrderStreamState();
  // A missing payment (not started yet) is null, not an error; a failed read only hides the payment's steps.
  const payment = usePayment(o).data ?? null;
  const declineText = useDeclineText();
  const last = o.history[o.history.length - 1];
  const shortages = shortagesOf(o);
  return (
    <>
      <p className="breadcrumb">
        <Link to={back.to}>{back.label}</Link>
      </p>
      <div className="page-header">
        <h1>{t('orders.number', { number: o.number })}</h1>
        <p className="live-indicator muted small" data-state={stream}>
          <span className="live-dot" aria-hidden="true" />
          {stream === 'open' ? t('orders.live') : t('orders.reconnecting')}
        </p>
      </div>
      <section className="card order-summary" aria-labelledby="order-status-label">
        <div className="order-status-line">
          <span id="order-status-label" className="muted">
            {t('orders.status')}
          </span>
          {/* Announced politely when the stream changes it. */}
          <span aria-live="polite" aria-atomic="true">
            <OrderStatusBadge status={o.status} testId="order-status" />
          </span>
          {last?.reason && o.status === 'rejected' && <span className="muted">{t(`reason.${last.reason}`, { defaultValue: last.reason })}</span>}
        </div>
        {o.status === 'rejected' && last?.reason === 'payment_declined' && (
          <p className="order-declined" data-testid="payment-declined">
            {t('orders.paymentDeclined', {
              reason: declineText(payment?.ledger.findLast((e) => e.kind === 'decline' || e.kind === 'failure')?.reason ?? null),
            })}
          </p>
        )}
        {shortages && <OrderShortages order={o} shortages={shortages} onRetry={onRetryAvailable && (() => onRetryAvailable(o, shortages))} />}
        <p className="muted small">
          {t('orders.placedAt')} <DateTime value={o.createdAt} />
        </p>
        {CANCELLABLE.has(o.status) && (
          <Button variant="danger" pending={cancel.isPending} aria-haspopup="dialog" onClick={() => setAskingToCancel(true)}>
            {t('orders.cancel')}
          </Button>
        )}
        {askingToCancel && (
          <ConfirmDialog
            title={t('orders.confirmCancel.title', { number: o.number })}
            confirmLabel={t('orders.confirmCancel.confirm')}
            pending={cancel.isPending}
            onCancel={() => setAskingToCancel(false)}
            onConfirm={() => cancel.mutate(o.id, { onSettled: () => setAskingToCancel(false) })}
          >
            <p>{t('orders.confirmCancel.text')}</p>
          </ConfirmDialog>
        )}
        {cancel.isError && <Alert>{errorMessage(cancel.error, t)}</Alert>}
      </section>
      <div className="order-columns">
        <section className="card" aria-labelledby="order-items-title">
          <h2 id="order-items-title">{t('orders.items')}</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('orders.product')}</th>
                {/* On a phone the product's cell says "2 × R$49.90", leaving its SKU room to show whole. */}
                <th scope="col" className="num wide-only">{t('orders.quantity')}</th>
                <th scope="col" className="num wide-only">{t('orders.unitPrice')}</th>
                <th scope="col" className="num">{t('orders.subtotal')}</th>
              </tr>
            </thead>
            <tbody>
              {o.items.map((item) => (
                <tr key={item.sku}>
                  <td>
                    {item.name}
                    <span className="muted small block">
                      <Sku value={item.sku} />
                    </span>
                    <span className="muted small block narrow-only">
                      {item.quantity} × <Money value={item.unitPrice} currency={o.currency} />
                    </span>
                  </td>
                  <td className="num wide-only">{item.quantity}</td>
                  <td className="num wide-only"><Money value={item.unitPrice} currency={o.currency} /></td>
                  <td className="num"><Money value={item.unitPrice * item.quantity} currency={o.currency} /></td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('cart.total')}</th>
                <td className="wide-only" />
                <td className="wide-only" />
                <td className="num strong"><Money value={o.total} currency={o.currency} /></td>
              </tr>
            </tfoot>
          </table>
          {o.note && (
            <p className="order-note">
              <span className="muted">{t('orders.note')}</span> {o.note}
            </p>
          )}
        </section>
        {timeline ? timeline(o) : (
          <section className="card" aria-labelledby="order-timeline-title">
            <h2 id="order-timeline-title">{t('orders.history')}</h2>
            <OrderTimeline history={o.history} payment={payment} />
          </section>
        )}
      </div>
      {/* The back office shows the address with the customer's details. */}
      {!backOffice && o.shippingAddress && <OrderShippingAddress address={o.shippingAddress} />}
      {backOffice?.(o)}
    </>
  );
}
