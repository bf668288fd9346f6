import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '../../../components/load-more';
import { EmptyState } from '../../../components/empty-state';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useAdminProducts } from '../api/get-products';
import { NewProductForm } from './new-product-form';
import { ProductAdminRow } from './product-admin-row';

export function ProductsAdmin() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search, 300);
  const products = useAdminProducts(q);
  const items = products.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <h1>{t('admin.productsTitle')}</h1>
      <NewProductForm />
      <datalist id="adjust-reasons">
        <option value={t('admin.reasonRestock')} />
        <option value={t('admin.reasonCount')} />
        <option value={t('admin.reasonDamaged')} />
      </datalist>
      <section aria-labelledby="product-list-title" className="stack">
        <div className="page-header">
          <h2 id="product-list-title">{t('admin.stockTitle')}</h2>
          <div className="search" role="search">
            <label htmlFor="admin-product-search" className="visually-hidden">
              {t('admin.searchProducts')}
            </label>
            <input id="admin-product-search" type="search" placeholder={t('catalog.searchPlaceholder')} value={search} onChange={(e) => setSearch(e.target.value)} />
          </div>
        </div>
        {products.isPending ? (
          <Spinner />
        ) : products.isError ? (
          <QueryError error={products.error} onRetry={() => void products.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={q ? t('catalog.noResults', { q }) : t('catalog.empty')} />
        ) : (
          <div className="table-wrap card">
            <table className="table table-responsive products-table">
              <caption className="visually-hidden">{t('admin.stockTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.product')}</th>
                  <th scope="col" className="num">{t('admin.price')}</th>
                  <th scope="col" className="num">{t('admin.onHand')}</th>
                  <th scope="col" className="num">{t('admin.reserved')}</th>
                  <th scope="col" className="num">{t('admin.available')}</th>
                  <th scope="col">{t('admin.adjustStock')}</th>
                  <th scope="col">{t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((product) => (
                  <ProductAdminRow key={product.sku} product={product} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore query={products} />
      </section>
    </>
  );
}
