import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { MAX_QUANTITY, ORDER_NOTE_MAX_LENGTH } from '@pedidos/contracts/limits';
import type { Address } from '@pedidos/contracts/orders';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { EmptyState } from '../../../components/empty-state';
import { Field } from '../../../components/field';
import { Money } from '../../../components/money';
import { ApiError } from '../../../lib/api-client';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useAvailability } from '../api/get-availability';
import { cartCount, cartTotal, useCart } from '../cart-store';
import type { RetryAdjustments } from '../retry-lines';
import { tokenizeCard, type CardErrors, type CardInput } from '../sandbox-card';
import { ADDRESS_FIELDS, checkAddress, type AddressErrors, type AddressField, type AddressInput } from '../shipping-address';
import { AddressFields } from './address-fields';
import { CardFields } from './card-fields';
import { CartLineRow } from './cart-line-row';
import { RetryNotice } from './retry-notice';

export interface CheckoutRequest {
  items: { sku: string; quantity: number }[];
  note: string | null;
  /** The provider's token for the card; the card number itself stays in this component. */
  paymentMethod: string;
  shippingAddress: Address;
}

interface CartViewProps {
  signedIn: boolean;
  placing: boolean;
  /** The last checkout failure: field errors point into the body (`/items/0/sku` is the first line). */
  error: unknown;
  onPlaceOrder: (request: CheckoutRequest) => void;
  onSignInFirst: () => void;
  /** Where the address form starts: the last address used here, or a blank one with the customer's name. */
  initialAddress: AddressInput;
  /** How a retry of an out-of-stock order changed its lines, when the cart was filled by one. */
  retried?: RetryAdjustments | null | undefined;
}

export function CartView({ signedIn, placing, error, onPlaceOrder, onSignInFirst, initialAddress, retried }: CartViewProps) {
  const { t } = useTranslation();
  const { lines } = useCart();
  const available = useAvailability(lines.map((l) => l.sku));
  const [note, setNote] = useState('');
  const [card, setCard] = useState<CardInput>({ number: '', expiry: '', cvc: '' });
  const [cardErrors, setCardErrors] = useState<CardErrors>({});
  const [address, setAddress] = useState<AddressInput>(initialAddress);
  const [addressErrors, setAddressErrors] = useState<AddressErrors>({});
  const { formRef, failed } = useFocusFirstInvalid();
  // Each line is a field of the order's body: `/items/0` is the first line.
  const fields: Record<string, string> = { note: '/note', paymentMethod: '/paymentMethod' };
  const invalid: Record<string, string> = { note: t('cart.noteInvalid', { max: ORDER_NOTE_MAX_LENGTH }), paymentMethod: t('cart.paymentInvalid') };
  lines.forEach((_, index) => {
    fields[`line${index}`] = `/items/${index}`;
    invalid[`line${index}`] = t('cart.lineInvalid', { max: MAX_QUANTITY });
  });
  for (const field of ADDRESS_FIELDS) {
    fields[`address.${field}`] = `/shippingAddress/${field}`;
    invalid[`address.${field}`] = field === 'postalCode' && address.country === 'BR' ? t('cart.address.cep') : t('cart.address.invalid');
  }
  const server = formErrors(error, fields, t, { invalid });
  const addressOnly = error instanceof ApiError && error.errors.length > 0 && error.errors.every((e) => e.path.startsWith('/shippingAddress/'));
  const alert = server.alert ?? (error ? t(addressOnly ? 'cart.address.fix' : 'cart.fixErrors') : null);
  const addressServerErrors = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, server.fields[`address.${f}`]])) as Partial<Record<AddressField, string>>;

  if (lines.length === 0) {
    return (
      <>
        <h1>{t('cart.title')}</h1>
        {retried && <RetryNotice adjustments={retried} />}
        <EmptyState title={t('cart.empty')}>
          <Link to="/" className="btn btn-primary">
            {t('cart.browse')}
          </Link>
        </EmptyState>
      </>
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!signedIn) return onSignInFirst();
    const checked = checkAddress(address);
    setAddressErrors(checked.errors ?? {});
    const { card: token, errors } = tokenizeCard(card);
    setCardErrors(errors ?? {});
    if (!token || !checked.address) return failed();
    onPlaceOrder({
      items: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      note: note.trim() || null,
      paymentMethod: token.paymentMethod,
      shippingAddress: checked.address,
    });
  }

  function changeAddress(next: AddressInput) {
    setAddressErrors((current) => {
      const kept = { ...current };
      for (const field of ADDRESS_FIELDS) if (next[field] !== address[field]) delete kept[field];
      // The postal code's rule depends on the country.
      if (next.country !== address.country) delete kept.postalCode;
      return kept;
    });
    setAddress(next);
  }

  function changeCard(next: CardInput) {
    // A field's message goes once it is edited; the others stay until the next attempt.
    setCardErrors((current) => {
      const kept = { ...current };
      for (const field of ['number', 'expiry', 'cvc'] as const) if (next[field] !== card[field]) delete kept[field];
      return kept;
    });
    setCard(next);
  }

  const currency = lines[0]!.currency;
  return (
    <>
      <h1>{t('cart.title')}</h1>
      {alert && <Alert>{alert}</Alert>}
      {retried && <RetryNotice adjustments={retried} />}
      <div className="cart-layout">
        <ul className="cart-lines card" aria-label={t('cart.lines')}>
          {lines.map((line, index) => (
            <CartLineRow key={line.sku} line={line} error={server.fields[`line${index}`]} available={available[line.sku]} />
          ))}
        </ul>
        <form ref={formRef} className="card cart-summary" aria-labelledby="cart-summary-title" onSubmit={submit} noValidate>
          <h2 id="cart-summary-title">{t('cart.summary')}</h2>
          <dl className="summary-list">
            <div>
              <dt>{t('cart.items')}</dt>
              <dd>{cartCount(lines)}</dd>
            </div>
            <div className="summary-total">
              <dt>{t('cart.total')}</dt>
              <dd data-testid="cart-total">
                <Money value={cartTotal(lines)} currency={currency} />
              </dd>
            </div>
          </dl>
          <AddressFields value={address} errors={addressErrors} serverErrors={addressServerErrors} onChange={changeAddress} />
          <Field label={t('cart.note')} error={server.fields.note}>
            {(control) => <textarea {...control} rows={2} maxLength={ORDER_NOTE_MAX_LENGTH} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <CardFields value={card} errors={cardErrors} serverError={server.fields.paymentMethod} onChange={changeCard} />
          {!signedIn && <p className="muted small">{t('cart.signInToOrder')}</p>}
          <Button type="submit" className="btn-block" pending={placing}>
            {t('cart.placeOrder')}
          </Button>
          <p className="muted small">{t('cart.pricesConfirmed')}</p>
        </form>
      </div>
    </>
  );
}
