import { useMemo } from 'react';
import type { Address } from '@pedidos/contracts/orders';
import { useFormat } from '../lib/format';

/**
 * A postal address one line each, as it goes on the parcel and as Brazilians write it: the city
 * and state together, the CEP on a line of its own, then the country by name in the reader's language.
 */
export function AddressLines({ address }: { address: Address }) {
  const { locale } = useFormat();
  const country = useMemo(() => new Intl.DisplayNames([locale], { type: 'region' }).of(address.country) ?? address.country, [address.country, locale]);
  const lines = [address.name, address.line1, address.line2, `${address.city} – ${address.state}`, address.postalCode, country].filter(Boolean);
  return (
    <address data-testid="shipping-address">
      {lines.map((line, index) => (
        <span key={index} className="address-line">
          {line}
        </span>
      ))}
    </address>
  );
}
