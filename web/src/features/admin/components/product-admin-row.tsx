import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Product } from '@pedidos/contracts/inventory';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { Money } from '../../../components/money';
import { formErrors } from '../../../lib/error-message';
import { intlLocale } from '../../../lib/i18n';
import { useAdjustStock } from '../api/adjust-stock';
import { useUpdateProduct } from '../api/update-product';
import { parsePrice, priceInputValue } from '../price-input';
import { LOW_STOCK_BELOW } from '../dashboard-stats';

export function ProductAdminRow({ product }: { product: Product }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  return (
    <>
      <tr className={product.available < LOW_STOCK_BELOW ? 'row-warning' : undefined}>
        <th scope="row" data-label={t('admin.product')}>
          <span className="strong">{product.name}</span>
          <span className="muted small block">{product.sku}</span>
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
            <EditProductForm product={product} onDone={() => setEditing(false)} />
          </td>
        </tr>
      )}
    </>
  );
}

const ADJUST_FIELDS = { delta: '/delta', reason: '/reason' } as const;

function AdjustStockForm({ sku }: { sku: string }) {
  const { t } = useTranslation();
  const adjust = useAdjustStock(sku);
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Partial<Record<keyof typeof ADJUST_FIELDS, string>>>({});
  const [done, setDone] = useState(false);
  const server = formErrors(adjust.error, ADJUST_FIELDS, t);
  const errors = { ...server.fields, ...local };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(false);
    const value = Number(delta);
    const problems: typeof local = {};
    if (delta.trim() === '' || !Number.isInteger(value) || value === 0) problems.delta = t('admin.deltaInvalid');
    if (!reason.trim()) problems.reason = t('admin.reasonRequired');
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    adjust.mutate({ delta: value, reason: reason.trim() }, {
      onSuccess: () => {
        setDelta('');
        setReason('');
        setDone(true);
      },
    });
  }

  return (
    <form className="adjust-form" onSubmit={submit} noValidate aria-label={t('admin.adjustStockOf', { sku })}>
      <Field label={t('admin.quantityChange')} error={errors.delta} className="field-compact">
        {(c) => <input {...c} type="number" inputMode="numeric" step={1} value={delta} onChange={(e) => setDelta(e.target.value)} />}
      </Field>
      <Field label={t('admin.reason')} error={errors.reason} className="field-compact">
        {(c) => <input {...c} maxLength={200} list="adjust-reasons" value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <Button type="submit" size="sm" pending={adjust.isPending}>
        {t('admin.apply')}
      </Button>
      {server.alert && <Alert>{server.alert}</Alert>}
      {done && !adjust.isPending && <span className="sr-status visually-hidden" role="status">{t('admin.stockUpdated')}</span>}
    </form>
  );
}

const EDIT_FIELDS = { name: '/name', price: '/price' } as const;

function EditProductForm({ product, onDone }: { product: Product; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const update = useUpdateProduct(product.sku);
  const [name, setName] = useState(product.name);
  const [price, setPrice] = useState(() => priceInputValue(product.price, intlLocale(i18n.language)));
  const [local, setLocal] = useState<Partial<Record<keyof typeof EDIT_FIELDS, string>>>({});
  const server = formErrors(update.error, EDIT_FIELDS, t);
  const errors = { ...server.fields, ...local };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const minor = parsePrice(price);
    const problems: typeof local = {};
    if (!name.trim()) problems.name = t('admin.nameRequired');
    if (minor === null) problems.price = t('admin.priceInvalid');
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    const body = {
      ...(name.trim() !== product.name ? { name: name.trim() } : {}),
      ...(minor !== product.price ? { price: minor! } : {}),
    };
    if (Object.keys(body).length === 0) return onDone();
    update.mutate(body, { onSuccess: onDone });
  }

  return (
    <form className="edit-form" onSubmit={submit} noValidate aria-label={t('admin.editProduct', { name: product.name })}>
      <Field label={t('admin.name')} error={errors.name}>
        {(c) => <input {...c} maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
      </Field>
      <Field label={t('admin.price')} error={errors.price} hint={t('admin.priceHint')}>
        {(c) => <input {...c} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />}
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
