import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Product } from '@pedidos/contracts/inventory';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { ApiError } from '../../../lib/api-client';
import { useProduct } from '../../../lib/product-query';
import { ProductBuyBox } from './product-buy-box';
import { ProductDescription } from './product-description';
import { ProductImage } from './product-image';

/** One product's own page: its photo, description, price and stock, and a way to add it to the cart. */
export function ProductDetail({ sku, onAdd }: { sku: string; onAdd: (product: Product) => void }) {
  const { t } = useTranslation();
  const product = useProduct(sku);
  const back = (
    <p className="breadcrumb">
      <Link to="/">{t('product.backToCatalog')}</Link>
    </p>
  );

  if (product.isPending) return <Spinner />;
  if (product.isError) {
    if (product.error instanceof ApiError && (product.error.status === 404 || product.error.status === 400)) {
      return (
        <>
          {back}
          <h1>{t('product.notFoundTitle')}</h1>
          <p>{t('product.notFound')}</p>
        </>
      );
    }
    return <QueryError error={product.error} onRetry={() => void product.refetch()} />;
  }

  const p = product.data;
  return (
    <>
      {back}
      <article className="product-page" aria-labelledby="product-title">
        <ProductImage product={p} size="page" />
        <div className="product-page-info stack">
          <h1 id="product-title">{p.name}</h1>
          <ProductBuyBox product={p} onAdd={onAdd} />
          {p.description ? (
            <section aria-labelledby="product-description-title">
              <h2 id="product-description-title">{t('product.description')}</h2>
              <ProductDescription text={p.description} />
            </section>
          ) : null}
        </div>
      </article>
    </>
  );
}
