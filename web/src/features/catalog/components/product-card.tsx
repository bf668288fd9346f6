import { Link } from 'react-router';
import type { Product } from '@pedidos/contracts/inventory';
import { productPath } from '../product-path';
import { ProductBuyBox } from './product-buy-box';
import { ProductImage } from './product-image';

export function ProductCard({ product, onAdd }: { product: Product; onAdd: (product: Product) => void }) {
  const headingId = `product-${product.sku}`;
  return (
    <article className="card product-card" aria-labelledby={headingId}>
      <ProductImage product={product} />
      <h2 id={headingId} className="product-name">
        <Link to={productPath(product.sku)}>{product.name}</Link>
      </h2>
      <ProductBuyBox product={product} onAdd={onAdd} />
    </article>
  );
}
