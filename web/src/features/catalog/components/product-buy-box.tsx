import { useTranslation } from 'react-i18next';
import type { Product } from '@pedidos/contracts/inventory';
import { Button } from '../../../components/button';
import { Money } from '../../../components/money';

/**
 * What a shopper needs to buy a product, the same on its card and on its page: SKU, price, stock
 * and the add button. No wrapper of its own, so each line takes its place in the card's grid.
 */
export function ProductBuyBox({ product, onAdd }: { product: Product; onAdd: (product: Product) => void }) {
  const { t } = useTranslation();
  const inStock = product.available > 0;
  return (
    <>
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
    </>
  );
}
