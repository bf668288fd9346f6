import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useAddToCart } from '../../features/cart/add-to-cart';
import { useProduct } from '../../lib/product-query';
import { ProductDetail } from '../../features/catalog/components/product-detail';
import { useDocumentTitle } from '../../lib/use-document-title';

export function ProductPage() {
  const { t } = useTranslation();
  const { sku = '' } = useParams();
  useDocumentTitle(useProduct(sku).data?.name ?? t('product.title'));
  const addToCart = useAddToCart();
  return <ProductDetail key={sku} sku={sku} onAdd={(product) => addToCart(product)} />;
}
