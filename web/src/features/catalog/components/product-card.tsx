import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Product } from '@pedidos/contracts/inventory';
import { Button } from '../../../components/button';
import { Money } from '../../../components/money';
import { productPath } from '../product-path';
import { ProductImage } from './product-image';

export function ProductCard({ product, onAdd }: { product: Product; onAdd: (product: Product) => void }) {
  const { t } = useTranslation();
  const headingId = `product-${product.sku}`;
  const inStock = product.available > 0;
  return (
    <article className="card product-card" aria-labelledby={headingId}>
      <ProductImage product={product} />
      <h2 id={headingId} className="product-name">
        <Link to={productPath(product.sku)}>{product.name}</Link>
      </h2>
      <p className="product-sku">{product.sku}</p>
      <p className="product-price">
        <Money value={product.price} currency={product.currency} />
      </p>
      <p className={inStock ? 'stock stock-in' : 'stock stock-out'}>
        {inStock ? t('catalog.inStock', { count: product.available }) : t('catalog.outOfStock')}
      </p>
      <Button onClick={() => onAdd(product)} disabled={!inStock}>
        {t('catalog.addToCart')}
      </Button>
    </article>
  );
}
