import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../components/field';
import { COUNTRIES, maxLengthOf, type AddressErrors, type AddressField, type AddressInput } from '../shipping-address';

interface AddressFieldsProps {
  value: AddressInput;
  errors: AddressErrors;
  /** What the server said about a field (`/shippingAddress/postalCode`), in the reader's language. */
  serverErrors: Partial<Record<AddressField, string>>;
  onChange: (next: AddressInput) => void;
}

/** `autocomplete` tokens that let a browser fill the whole address at once, in the shipping section. */
const AUTOCOMPLETE: Record<AddressField, string> = {
  name: 'shipping name',
  line1: 'shipping address-line1',
  line2: 'shipping address-line2',
  city: 'shipping address-level2',
  state: 'shipping address-level1',
  postalCode: 'shipping postal-code',
  country: 'shipping country',
};

export function AddressFields({ value, errors, serverErrors, onChange }: AddressFieldsProps) {
  const { t, i18n } = useTranslation();
  const brazil = value.country === 'BR';
  const countries = useMemo(() => {
    const names = new Intl.DisplayNames([i18n.language], { type: 'region' });
    return COUNTRIES.map((code) => ({ code, name: names.of(code) ?? code }));
  }, [i18n.language]);

  function message(field: AddressField): string | undefined {
    const problem = errors[field];
    if (problem === 'required') return t(`cart.address.required.${field}`);
    if (problem === 'tooLong') return t('cart.address.tooLong', { max: maxLengthOf(field) });
    if (problem === 'cep') return t('cart.address.cep');
    return serverErrors[field];
  }

  const text = (field: AddressField, label: string, extra: { hint?: string; inputMode?: 'numeric'; className?: string } = {}) => (
    <Field label={label} error={message(field)} hint={extra.hint} className={extra.className}>
      {(control) => (
        <input
          {...control}
          name={field}
          value={value[field]}
          onChange={(e) => onChange({ ...value, [field]: e.target.value })}
          autoComplete={AUTOCOMPLETE[field]}
          inputMode={extra.inputMode}
          maxLength={maxLengthOf(field)}
          required={field !== 'line2'}
        />
      )}
    </Field>
  );

  return (
    <fieldset className="address-fields">
      <legend>{t('cart.address.legend')}</legend>
      {text('name', t('cart.address.name'))}
      {text('line1', t('cart.address.line1'), { hint: t('cart.address.line1Hint') })}
      {text('line2', t('cart.address.line2'))}
      <div className="address-fields-row">
        {text('city', t('cart.address.city'))}
        {text('state', t('cart.address.state'))}
      </div>
      <div className="address-fields-row">
        {text('postalCode', brazil ? t('cart.address.cepLabel') : t('cart.address.postalCode'), {
          ...(brazil ? { hint: t('cart.address.cepHint'), inputMode: 'numeric' as const } : {}),
        })}
        <Field label={t('cart.address.country')} error={serverErrors.country}>
          {(control) => (
            <select {...control} name="country" value={value.country} onChange={(e) => onChange({ ...value, country: e.target.value })} autoComplete={AUTOCOMPLETE.country}>
              {countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
    </fieldset>
  );
}
