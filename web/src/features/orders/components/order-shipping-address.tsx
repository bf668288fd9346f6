import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Address } from '@pedidos/contracts/orders';

/** Where the order goes, one line each as on the parcel; the country by name in the reader's language. */
export function OrderShippingAddress({ address }: { address: Address }) {
  const { t, i18n } = useTranslation();
  const country = useMemo(() => new Intl.DisplayNames([i18n.language], { type: 'region' }).of(address.country) ?? address.country, [address.country, i18n.language]);
  const lines = [address.name, address.line1, address.line2, `${address.city} – ${address.state}`, address.postalCode, country].filter(Boolean);
  return (
    <section className="card order-address" aria-labelledby="order-address-title">
      <h2 id="order-address-title">{t('orders.shipTo')}</h2>
      <address data-testid="order-shipping-address">
        {lines.map((line, index) => (
          <span key={index} className="address-line">
            {line}
          </span>
        ))}
      </address>
    </section>
  );
}
