import { useTranslation } from 'react-i18next';
import type { Address } from '@pedidos/contracts/orders';
import { AddressLines } from '../../../components/address-lines';

/** Where the order goes, as the customer gave it. */
export function OrderShippingAddress({ address }: { address: Address }) {
  const { t } = useTranslation();
  return (
    <section className="card order-address" aria-labelledby="order-address-title">
      <h2 id="order-address-title">{t('orders.shipTo')}</h2>
      <AddressLines address={address} />
    </section>
  );
}
