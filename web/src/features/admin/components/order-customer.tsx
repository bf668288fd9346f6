import { useTranslation } from 'react-i18next';
import type { Order } from '@pedidos/contracts/orders';
import { AddressLines } from '../../../components/address-lines';

/** Who ordered and where it goes, as the order kept them when it was placed: what the back office ships by. */
export function OrderCustomer({ order }: { order: Order }) {
  const { t } = useTranslation();
  const address = order.shippingAddress;
  return (
    <section className="card order-customer" aria-labelledby="order-customer-title">
      <h2 id="order-customer-title">{t('admin.customerTitle')}</h2>
      <dl className="summary-list">
        <div>
          <dt>{t('admin.customerName')}</dt>
          <dd>{order.customer?.name ?? t('admin.notRecorded')}</dd>
        </div>
        <div>
          <dt>{t('admin.customerEmail')}</dt>
          <dd>{order.customer?.email ? <a href={`mailto:${order.customer.email}`}>{order.customer.email}</a> : t('admin.notRecorded')}</dd>
        </div>
        <div>
          <dt>{t('admin.shipTo')}</dt>
          <dd>{address ? <AddressLines address={address} /> : t('admin.noAddress')}</dd>
        </div>
      </dl>
    </section>
  );
}
