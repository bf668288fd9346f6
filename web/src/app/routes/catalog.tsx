import { useTranslation } from 'react-i18next';
import { cart } from '../../features/cart/cart-store';
import { CatalogView } from '../../features/catalog/components/catalog-view';
import { announce } from '../../lib/announcer';
import { useDocumentTitle } from '../../lib/use-document-title';

export function CatalogPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('catalog.title'));
  return (
    <CatalogView
      onAdd={(product) => {
        cart.add(product);
        announce(t('catalog.added', { name: product.name }));
      }}
    />
  );
}
