import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DateTime } from '../../../components/date-time';
import { EmptyState } from '../../../components/empty-state';
import { Pager } from '../../../components/pager';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { Sku } from '../../../components/sku';
import { useMovements } from '../api/get-movements';
import { useProduct } from '../../../lib/product-query';

export function MovementsView({ sku }: { sku: string }) {
  const { t } = useTranslation();
  const product = useProduct(sku);
  // The pages live in the URL: a link to another product's movements carries none, so it opens on the first.
  const pages = useCursorPages();
  const movements = useMovements(sku, pages.cursor);

  return (
    <>
      <h1>{t('admin.movementsOf', { name: product.data?.name ?? sku })}</h1>
      {product.data && (
        <p className="muted">
          <Sku value={product.data.sku} /> · {t('admin.onHand')}: {product.data.onHand} · {t('admin.reserved')}: {product.data.reserved} · {t('admin.available')}: {product.data.available}
        </p>
      )}
      {movements.isPending ? (
        <Spinner />
      ) : movements.isError ? (
        <QueryError error={movements.error} onRetry={() => void movements.refetch()} />
      ) : movements.data.items.length === 0 ? (
        <EmptyState title={t('admin.noMovements')} />
      ) : (
        <div className="table-wrap card">
          <table className="table table-responsive">
            <caption className="visually-hidden">{t('admin.movementsOf', { name: product.data?.name ?? sku })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.when')}</th>
                <th scope="col">{t('admin.kind')}</th>
                <th scope="col" className="num">{t('product.movements.onHandChange')}</th>
                <th scope="col" className="num">{t('product.movements.reservedChange')}</th>
                <th scope="col" className="num">{t('admin.onHand')}</th>
                <th scope="col" className="num">{t('admin.reserved')}</th>
                <th scope="col">{t('admin.orderOrReason')}</th>
              </tr>
            </thead>
            <tbody>
              {movements.data.items.map((m) => (
                <tr key={m.id}>
                  <td data-label={t('admin.when')}><DateTime value={m.at} precise /></td>
                  <td data-label={t('admin.kind')}>{t(`movement.${m.kind}`)}</td>
                  <Change label={t('product.movements.onHandChange')} value={m.onHandChange} />
                  <Change label={t('product.movements.reservedChange')} value={m.reservedChange} />
                  <td data-label={t('admin.onHand')} className="num">{m.onHand}</td>
                  <td data-label={t('admin.reserved')} className="num">{m.reserved}</td>
                  <td data-label={t('admin.orderOrReason')}>
                    {m.orderId ? <Link to={`/admin/orders/${m.orderId}`}>{t('admin.viewOrder')}</Link> : m.reason ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {movements.isSuccess && <Pager pages={pages} nextCursor={movements.data.nextCursor} busy={movements.isFetching} />}
    </>
  );
}

/** A signed change of one level; a level the movement left alone shows a dash. */
function Change({ label, value }: { label: string; value: number }) {
  const { t } = useTranslation();
  if (value === 0) {
    return (
      <td data-label={label} className="num muted">
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{t('product.movements.unchanged')}</span>
      </td>
    );
  }
  return (
    <td data-label={label} className={`num ${value < 0 ? 'negative' : 'positive'}`}>
      {value > 0 ? `+${value}` : value}
    </td>
  );
}
