import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { Product } from '@pedidos/contracts/inventory';
import { PRODUCT_SEARCH_MAX_LENGTH } from '@pedidos/contracts/limits';
import { LoadMore } from '../../../components/load-more';
import { EmptyState } from '../../../components/empty-state';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useProducts } from '../api/get-products';
import { ProductCard } from './product-card';

export function CatalogView({ onAdd }: { onAdd: (product: Product) => void }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [input, setInput] = useState(() => params.get('q') ?? '');
  const q = useDebouncedValue(input.trim(), 300);
  const products = useProducts(q);

  // The search lives in the URL so a reload or a shared link shows the same results.
  useEffect(() => {
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (q) next.set('q', q);
      else next.delete('q');
      return next;
    }, { replace: true });
  }, [q, setParams]);

  const items = products.data?.pages.flatMap((page) => page.items) ?? [];
  const searching = products.isFetching && !products.isFetchingNextPage;

  return (
    <>
      <div className="page-header">
        <h1>{t('catalog.title')}</h1>
        <div className="search" role="search">
          <label htmlFor="catalog-search" className="visually-hidden">
            {t('catalog.search')}
          </label>
          <input
            id="catalog-search"
            type="search"
            placeholder={t('catalog.searchPlaceholder')}
            value={input}
            maxLength={PRODUCT_SEARCH_MAX_LENGTH}
            onChange={(event) => setInput(event.target.value)}
            aria-describedby="catalog-count"
          />
          {searching && <span className="spinner search-spinner" aria-hidden="true" />}
        </div>
      </div>
      <p id="catalog-count" className="muted" aria-live="polite">
        {products.isSuccess ? (q ? t('catalog.resultsFor', { count: items.length, q }) : t('catalog.count', { count: items.length })) : ''}
      </p>
      {products.isPending ? (
        <Spinner />
      ) : products.isError && items.length === 0 ? (
        <QueryError error={products.error} onRetry={() => void products.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={q ? t('catalog.noResults', { q }) : t('catalog.empty')} />
      ) : (
        <>
          <div className="product-grid" aria-busy={searching || undefined}>
            {items.map((product) => (
              <ProductCard key={product.sku} product={product} onAdd={onAdd} />
            ))}
          </div>
          <LoadMore query={products} />
        </>
      )}
    </>
  );
}
