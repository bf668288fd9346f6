import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { CreateProductBody } from '@pedidos/contracts/inventory';
import { PRODUCT_NAME_MAX_LENGTH, SKU_MAX_LENGTH } from '@pedidos/contracts/limits';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { contractResolver, fieldMessages } from '../../../lib/contract-resolver';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useCreateProduct } from '../api/create-product';
import { parsePrice } from '../price-input';

const FIELDS = { sku: '/sku', name: '/name', price: '/price', onHand: '/onHand' } as const;
type ProductValues = Record<keyof typeof FIELDS, string>;
const EMPTY: ProductValues = { sku: '', name: '', price: '', onHand: '' };

export function NewProductForm() {
  const { t } = useTranslation();
  const create = useCreateProduct();
  const { formRef, failed } = useFocusFirstInvalid();
  const [created, setCreated] = useState<string | null>(null);
  const invalid: Record<keyof typeof FIELDS, string> = {
    sku: t('admin.skuInvalid'),
    name: t('admin.nameInvalid', { max: PRODUCT_NAME_MAX_LENGTH }),
    price: t('admin.priceInvalid'),
    onHand: t('admin.stockInvalid'),
  };
  const form = useForm<ProductValues, unknown, CreateProductBody>({
    defaultValues: EMPTY,
    resolver: contractResolver(CreateProductBody, {
      toBody: ({ sku, name, price, onHand }) => ({
        sku: sku.trim(),
        name: name.trim(),
        price: parsePrice(price),
        onHand: onHand.trim() === '' ? 0 : Number(onHand),
      }),
      message: (field, body) => (field === 'name' && body.name === '' ? t('admin.nameRequired') : invalid[field]),
    }),
  });
  const server = formErrors(create.error, FIELDS, t, { invalid, byCode: { 'PRODUCT.ALREADY_EXISTS': 'sku' } });
  const errors = { ...server.fields, ...fieldMessages(form.formState.errors) };
  const sku = form.register('sku');

  const submit = form.handleSubmit((body) => {
    create.mutate(body, {
      onSuccess: (product) => {
        form.reset(EMPTY);
        setCreated(product.name);
      },
      onError: failed,
    });
  });

  return (
    <form
      ref={formRef}
      className="card form new-product"
      onSubmit={(event) => {
        setCreated(null);
        void submit(event);
      }}
      noValidate
      aria-labelledby="new-product-title"
    >
      <h2 id="new-product-title">{t('admin.newProduct')}</h2>
      {server.alert && <Alert>{server.alert}</Alert>}
      {created && <Alert tone="success">{t('admin.created', { name: created })}</Alert>}
      <div className="form-grid">
        <Field label={t('admin.sku')} error={errors.sku} hint={t('admin.skuHint')}>
          {(c) => (
            <input
              {...c}
              {...sku}
              // SKUs are upper case; typing them so saves a refusal.
              onChange={(event) => {
                event.target.value = event.target.value.toUpperCase();
                return sku.onChange(event);
              }}
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={SKU_MAX_LENGTH}
            />
          )}
        </Field>
        <Field label={t('admin.name')} error={errors.name}>
          {(c) => <input {...c} {...form.register('name')} maxLength={PRODUCT_NAME_MAX_LENGTH} />}
        </Field>
        <Field label={t('admin.price')} error={errors.price} hint={t('admin.priceHint')}>
          {(c) => <input {...c} {...form.register('price')} inputMode="decimal" autoComplete="off" />}
        </Field>
        <Field label={t('admin.stock')} error={errors.onHand}>
          {(c) => <input {...c} {...form.register('onHand')} type="number" inputMode="numeric" min={0} step={1} />}
        </Field>
      </div>
      <Button type="submit" pending={create.isPending}>
        {t('admin.createProduct')}
      </Button>
    </form>
  );
}
