import { useTranslation } from 'react-i18next';
import { useAddToCart } from '../../features/cart/add-to-cart';
import { CatalogView } from '../../features/catalog/components/catalog-view';
import { useDocumentTitle } from '../../lib/use-document-title';

export function CatalogPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('catalog.title'));
  const addToCart = useAddToCart();
  return <CatalogView onAdd={(product) => addToCart(product)} />;
}
