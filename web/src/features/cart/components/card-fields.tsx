import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../components/field';
import { formatCardNumber, formatExpiry, TEST_CARDS, type CardErrors, type CardInput } from '../sandbox-card';

interface CardFieldsProps {
  value: CardInput;
  errors: CardErrors;
  /** A message from the server about the payment method, shown on the number. */
  serverError?: string | undefined;
  onChange: (next: CardInput) => void;
}

/**
 * The provider's hosted fields, simulated: the inputs have no `name`, so no form submission can
 * carry them; the checkout reads them only to tokenize (see sandbox-card.ts).
 */
export function CardFields({ value, errors, serverError, onChange }: CardFieldsProps) {
  const { t } = useTranslation();
  const listId = useId();
  const message = (field: keyof CardInput) => (errors[field] ? t(`card.error.${field}.${errors[field]}`) : undefined);

  function fill(number: string) {
    // A test card needs any future date and any CVC; filling them saves typing in a sandbox.
    const nextYear = String((new Date().getFullYear() + 3) % 100).padStart(2, '0');
    onChange({ number: formatCardNumber(number), expiry: value.expiry || `12/${nextYear}`, cvc: value.cvc || '123' });
  }

  return (
    <fieldset className="card-fields">
      <legend>{t('card.legend')}</legend>
      <Field label={t('card.number')} error={message('number') ?? serverError}>
        {(c) => (
          <input
            {...c}
            value={value.number}
            onChange={(e) => onChange({ ...value, number: formatCardNumber(e.target.value) })}
            autoComplete="cc-number"
            inputMode="numeric"
            placeholder="4242 4242 4242 4242"
            spellCheck={false}
            maxLength={23}
          />
        )}
      </Field>
      <div className="card-fields-row">
        <Field label={t('card.expiry')} error={message('expiry')} hint={t('card.expiryHint')}>
          {(c) => (
            <input
              {...c}
              value={value.expiry}
              onChange={(e) => onChange({ ...value, expiry: formatExpiry(e.target.value) })}
              autoComplete="cc-exp"
              inputMode="numeric"
              placeholder={t('card.expiryPlaceholder')}
              maxLength={5}
            />
          )}
        </Field>
        <Field label={t('card.cvc')} error={message('cvc')}>
          {(c) => (
            <input
              {...c}
              value={value.cvc}
              onChange={(e) => onChange({ ...value, cvc: e.target.value.replace(/\D/g, '').slice(0, 4) })}
              autoComplete="cc-csc"
              inputMode="numeric"
              maxLength={4}
            />
          )}
        </Field>
      </div>
      <details className="test-cards">
        <summary>{t('card.testCards')}</summary>
        <p className="muted small">{t('card.testCardsHint')}</p>
        <ul aria-label={t('card.testCards')}>
          {TEST_CARDS.map((card) => (
            <li key={card.number}>
              <button
                type="button"
                className="btn btn-ghost btn-sm test-card-number"
                onClick={() => fill(card.number)}
                aria-describedby={`${listId}-${card.number}`}
              >
                {formatCardNumber(card.number)}
              </button>
              <span id={`${listId}-${card.number}`} className="small">
                {t(`payment.brand.${card.brand}`)} · {t(`card.outcome.${card.outcome}`)}
              </span>
            </li>
          ))}
        </ul>
      </details>
      <p className="muted small">{t('card.neverSent')}</p>
    </fieldset>
  );
}
