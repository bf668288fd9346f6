import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/button';
import { Money } from '../../../components/money';
import { Sku } from '../../../components/sku';
import { MAX_QUANTITY } from '@pedidos/contracts/limits';
import { cart, type CartLine } from '../cart-store';

interface CartLineRowProps {
  line: CartLine;
  error?: string | undefined;
  /** How many can be ordered now, when known: the line says when it asks for more. */
  available?: number | undefined;
}

export function CartLineRow({ line, error, available }: CartLineRowProps) {
  const { t } = useTranslation();
  // A draft lets the field be emptied while typing a new number; the cart only takes whole numbers 1..1000.
  const [draft, setDraft] = useState(String(line.quantity));
  useEffect(() => setDraft(String(line.quantity)), [line.quantity]);
  const inputId = `qty-${line.sku}`;
  const errorId = `line-error-${line.sku}`;
  const stockId = `line-stock-${line.sku}`;
  const short = available !== undefined && line.quantity > available;
  const describedBy = [error ? errorId : null, short ? stockId : null].filter(Boolean).join(' ') || undefined;

  function change(value: string) {
    setDraft(value);
    const quantity = Number(value);
    if (value !== '' && Number.isInteger(quantity) && quantity >= 1) cart.setQuantity(line.sku, quantity);
  }

  return (
    <li className={['cart-line', error ? 'cart-line-invalid' : '', short ? 'cart-line-short' : ''].filter(Boolean).join(' ')}>
      <div className="cart-line-product">
        <p className="cart-line-name">{line.name}</p>
        <p className="muted small">
          <Sku value={line.sku} /> · <Money value={line.unitPrice} currency={line.currency} /> {t('cart.each')}
        </p>
        {error && (
          <p id={errorId} className="field-error">
            {error}
          </p>
        )}
        {short && (
          <div className="cart-line-stock">
            <p id={stockId} className="stock-warning">
              {available === 0 ? t('cart.availability.outOfStock') : t('cart.availability.only', { count: available })}
            </p>
            {available > 0 && (
              <Button variant="ghost" size="sm" onClick={() => cart.setQuantity(line.sku, available)} aria-label={t('cart.availability.setToFor', { count: available, name: line.name })}>
                {t('cart.availability.setTo', { count: available })}
              </Button>
            )}
          </div>
        )}
      </div>
      <div className="cart-line-quantity">
        <label htmlFor={inputId} className="visually-hidden">
          {t('cart.quantityOf', { name: line.name })}
        </label>
        <input
          id={inputId}
          type="number"
          inputMode="numeric"
          min={1}
          // The arrows stop at what is available; a larger number typed in stays (stock can change), under the warning.
          max={available ? Math.min(available, MAX_QUANTITY) : MAX_QUANTITY}
          step={1}
          value={draft}
          onChange={(event) => change(event.target.value)}
          onBlur={() => setDraft(String(line.quantity))}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
      </div>
      <p className="cart-line-subtotal">
        <Money value={line.unitPrice * line.quantity} currency={line.currency} />
      </p>
      <Button variant="ghost" size="sm" onClick={() => cart.remove(line.sku)} aria-label={t('cart.removeItem', { name: line.name })}>
        <span aria-hidden="true">✕</span>
        <span className="remove-text" aria-hidden="true">{t('cart.remove')}</span>
      </Button>
    </li>
  );
}
