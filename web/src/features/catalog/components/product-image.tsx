import { useTranslation } from 'react-i18next';
import type { Product } from '@pedidos/contracts/inventory';

/**
 * The product's photo, or a neutral placeholder with its initial. The frame has a fixed aspect
 * ratio, so the page does not move when the photo arrives; off-screen photos load when scrolled to.
 */
export function ProductImage({ product, size = 'card' }: { product: Pick<Product, 'name' | 'imageUrl'>; size?: 'card' | 'page' }) {
  const { t } = useTranslation();
  return (
    <div className={`product-art product-art-${size}`}>
      {product.imageUrl ? (
        <img src={product.imageUrl} alt={t('product.photoOf', { name: product.name })} loading={size === 'card' ? 'lazy' : 'eager'} decoding="async" />
      ) : (
        <span aria-hidden="true">{product.name.slice(0, 1)}</span>
      )}
    </div>
  );
}
