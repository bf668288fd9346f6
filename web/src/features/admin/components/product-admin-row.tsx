import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AdjustmentBody, UpdateProductBody, type Product } from '@pedidos/contracts/inventory';
import { ADJUSTMENT_REASON_MAX_LENGTH, PRODUCT_DESCRIPTION_MAX_LENGTH, PRODUCT_NAME_MAX_LENGTH } from '@pedidos/contracts/limits';
import type { TFunction } from 'i18next';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { Money } from '../../../components/money';
import { Sku } from '../../../components/sku';
import { contractResolver, fieldMessages } from '../../../lib/contract-resolver';
import { formErrors } from '../../../lib/error-message';
import { intlLocale } from '../../../lib/i18n';
import { belowReserved, useAdjustStock, type RemovalLimit } from '../api/adjust-stock';
import { useUpdateProduct } from '../api/update-product';
import { parsePrice, priceInputValue } from '../price-input';
import { LOW_STOCK_BELOW } from '../dashboard-stats';
import { ProductImageField } from './product-image-field';

export function ProductAdminRow({ product }: { product: Product }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  return (
    <>
      <tr className={product.available < LOW_STOCK_BELOW ? 'row-warning' : undefined}>
        <th scope="row" data-label={t('admin.product')}>
          <span className="strong">{product.name}</span>
          <span className="muted small block">
            <Sku value={product.sku} />
          </span>
        </th>
        <td data-label={t('admin.price')} className="num">
          <Money value={product.price} currency={product.currency} />
        </td>
        <td data-label={t('admin.onHand')} className="num">{product.onHand}</td>
        <td data-label={t('admin.reserved')} className="num">{product.reserved}</td>
        <td data-label={t('admin.available')} className="num">{product.available}</td>
        <td data-label={t('admin.adjustStock')}>
          <AdjustStockForm sku={product.sku} />
        </td>
        <td data-label={t('admin.actions')}>
          <div className="row-actions">
            <Button size="sm" variant="secondary" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              {t('admin.edit')}
            </Button>
            <Link to={`/admin/products/${encodeURIComponent(product.sku)}/movements`} className="btn btn-ghost btn-sm">
              {t('admin.movements')}
            </Link>
          </div>
        </td>
      </tr>
      {editing && (
        <tr className="edit-row">
          <td colSpan={7}>
            <div className="product-edit-panel">
              <EditProductForm product={product} onDone={() => setEditing(false)} />
              <ProductImageField product={product} />
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

const ADJUST_FIELDS = { delta: '/delta', reason: '/reason' } as const;
type AdjustValues = Record<keyof typeof ADJUST_FIELDS, string>;

function AdjustStockForm({ sku }: { sku: string }) {
  const { t } = useTranslation();
  const adjust = useAdjustStock(sku);
  const [done, setDone] = useState(false);
  const invalid: Record<keyof typeof ADJUST_FIELDS, string> = {
    delta: t('admin.deltaInvalid'),
    reason: t('admin.reasonInvalid', { max: ADJUSTMENT_REASON_MAX_LENGTH }),
  };
  const form = useForm<AdjustValues, unknown, AdjustmentBody>({
    defaultValues: { delta: '', reason: '' },
    resolver: contractResolver(AdjustmentBody, {
      toBody: ({ delta, reason }) => ({ delta: delta.trim() === '' ? null : Number(delta), reason: reason.trim() }),
      message: (field, body) => (field === 'reason' && body.reason === '' ? t('admin.reasonRequired') : invalid[field]),
    }),
  });
  const server = formErrors(adjust.error, ADJUST_FIELDS, t, { invalid, byCode: { 'STOCK.BELOW_RESERVED': 'delta' } });
  const refusal = belowReserved(adjust.error);
  const limit = refusal ? removalLimit(refusal, t) : undefined;
  const errors = { ...server.fields, ...(limit ? { delta: limit } : {}), ...fieldMessages(form.formState.errors) };

  const submit = form.handleSubmit((body) => {
    adjust.mutate(body, {
      onSuccess: () => {
        form.reset();
        setDone(true);
      },
    });
  });

  return (
    <form
      className="adjust-form"
      onSubmit={(event) => {
        setDone(false);
        void submit(event);
      }}
      noValidate
      aria-label={t('admin.adjustStockOf', { sku })}
    >
      <Field label={t('admin.quantityChange')} error={errors.delta} className="field-compact">
        {(c) => <input {...c} {...form.register('delta')} type="number" inputMode="numeric" step={1} />}
      </Field>
      <Field label={t('admin.reason')} error={errors.reason} className="field-compact">
        {(c) => <input {...c} {...form.register('reason')} maxLength={ADJUSTMENT_REASON_MAX_LENGTH} list="adjust-reasons" />}
      </Field>
      <Button type="submit" size="sm" pending={adjust.isPending}>
        {t('admin.apply')}
      </Button>
      {server.alert && <Alert>{server.alert}</Alert>}
      {done && !adjust.isPending && <span className="sr-status visually-hidden" role="status">{t('admin.stockUpdated')}</span>}
    </form>
  );
}

/** How much may be taken away, and why: reservations are mentioned only when there are some. */
const removalLimit = ({ maxRemovable, reserved }: RemovalLimit, t: TFunction) =>
  reserved > 0 ? t('product.adjust.belowReserved', { count: maxRemovable, reserved }) : t('product.adjust.belowOnHand', { count: maxRemovable });

const EDIT_FIELDS = { name: '/name', price: '/price', description: '/description' } as const;
type EditValues = Record<keyof typeof EDIT_FIELDS, string>;

function EditProductForm({ product, onDone }: { product: Product; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const update = useUpdateProduct(product.sku);
  const invalid: Record<keyof typeof EDIT_FIELDS, string> = {
    name: t('admin.nameInvalid', { max: PRODUCT_NAME_MAX_LENGTH }),
    price: t('admin.priceInvalid'),
    description: t('product.descriptionInvalid', { max: PRODUCT_DESCRIPTION_MAX_LENGTH }),
  };
  const form = useForm<EditValues, unknown, UpdateProductBody>({
    defaultValues: { name: product.name, price: priceInputValue(product.price, intlLocale(i18n.language)), description: product.description ?? '' },
    resolver: contractResolver(UpdateProductBody, {
      // Every field is checked; only the changed ones are sent. A blank description is none.
      toBody: ({ name, price, description }) => ({ name: name.trim(), price: parsePrice(price), description: description.trim() === '' ? null : description.trim() }),
      message: (field, body) => (field === 'name' && body.name === '' ? t('admin.nameRequired') : invalid[field]),
    }),
  });
  const server = formErrors(update.error, EDIT_FIELDS, t, { invalid });
  const errors = { ...server.fields, ...fieldMessages(form.formState.errors) };

  const submit = form.handleSubmit(({ name, price, description = null }) => {
    const body = {
      ...(name !== product.name ? { name } : {}),
      ...(price !== product.price ? { price } : {}),
      ...(description !== (product.description ?? null) ? { description } : {}),
    };
    if (Object.keys(body).length === 0) return onDone();
    update.mutate(body, { onSuccess: onDone });
  });

  return (
    <form className="edit-form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('admin.editProduct', { name: product.name })}>
      <Field label={t('admin.name')} error={errors.name}>
        {(c) => <input {...c} {...form.register('name')} maxLength={PRODUCT_NAME_MAX_LENGTH} autoFocus />}
      </Field>
      <Field label={t('admin.price')} error={errors.price} hint={t('admin.priceHint')}>
        {(c) => <input {...c} {...form.register('price')} inputMode="decimal" />}
      </Field>
      <Field label={t('product.description')} error={errors.description} hint={t('product.descriptionHint')} className="field-wide">
        {(c) => <textarea {...c} {...form.register('description')} rows={5} maxLength={PRODUCT_DESCRIPTION_MAX_LENGTH} />}
      </Field>
      <div className="row-actions">
        <Button type="submit" size="sm" pending={update.isPending}>
          {t('admin.save')}
        </Button>
        <Button size="sm" variant="secondary" onClick={onDone}>
          {t('admin.discard')}
        </Button>
      </div>
      {server.alert && <Alert>{server.alert}</Alert>}
    </form>
  );
}
