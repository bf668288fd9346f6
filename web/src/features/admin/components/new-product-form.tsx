import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useCreateProduct } from '../api/create-product';
import { parsePrice } from '../price-input';

const FIELDS = { sku: '/sku', name: '/name', price: '/price', stock: '/onHand' } as const;
type FieldName = keyof typeof FIELDS;
const SKU = /^[A-Z0-9._-]{1,64}$/;
const EMPTY = { sku: '', name: '', price: '', stock: '' };

export function NewProductForm() {
  const { t } = useTranslation();
  const create = useCreateProduct();
  const { formRef, failed } = useFocusFirstInvalid();
  const [values, setValues] = useState<Record<FieldName, string>>(EMPTY);
  const [local, setLocal] = useState<Partial<Record<FieldName, string>>>({});
  const [created, setCreated] = useState<string | null>(null);
  const server = formErrors(create.error, FIELDS, t, { 'PRODUCT.ALREADY_EXISTS': 'sku' });
  const errors = { ...server.fields, ...local };
  const set = (name: FieldName) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [name]: name === 'sku' ? event.target.value.toUpperCase() : event.target.value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setCreated(null);
    const problems: Partial<Record<FieldName, string>> = {};
    const price = parsePrice(values.price);
    const stock = values.stock.trim() === '' ? 0 : Number(values.stock);
    if (!SKU.test(values.sku.trim())) problems.sku = t('admin.skuInvalid');
    if (!values.name.trim()) problems.name = t('admin.nameRequired');
    if (price === null) problems.price = t('admin.priceInvalid');
    if (!Number.isInteger(stock) || stock < 0) problems.stock = t('admin.stockInvalid');
    setLocal(problems);
    if (Object.keys(problems).length > 0) return failed();
    create.mutate({ sku: values.sku.trim(), name: values.name.trim(), price: price!, onHand: stock }, {
      onSuccess: (product) => {
        setValues(EMPTY);
        setCreated(product.name);
      },
      onError: failed,
    });
  }

  return (
    <form ref={formRef} className="card form new-product" onSubmit={submit} noValidate aria-labelledby="new-product-title">
      <h2 id="new-product-title">{t('admin.newProduct')}</h2>
      {server.alert && <Alert>{server.alert}</Alert>}
      {created && <Alert tone="success">{t('admin.created', { name: created })}</Alert>}
      <div className="form-grid">
        <Field label={t('admin.sku')} error={errors.sku} hint={t('admin.skuHint')}>
          {(c) => <input {...c} name="sku" autoCapitalize="characters" spellCheck={false} maxLength={64} value={values.sku} onChange={set('sku')} />}
        </Field>
        <Field label={t('admin.name')} error={errors.name}>
          {(c) => <input {...c} name="name" maxLength={200} value={values.name} onChange={set('name')} />}
        </Field>
        <Field label={t('admin.price')} error={errors.price} hint={t('admin.priceHint')}>
          {(c) => <input {...c} name="price" inputMode="decimal" autoComplete="off" value={values.price} onChange={set('price')} />}
        </Field>
        <Field label={t('admin.stock')} error={errors.stock}>
          {(c) => <input {...c} name="stock" type="number" inputMode="numeric" min={0} step={1} value={values.stock} onChange={set('stock')} />}
        </Field>
      </div>
      <Button type="submit" pending={create.isPending}>
        {t('admin.createProduct')}
      </Button>
    </form>
  );
}
