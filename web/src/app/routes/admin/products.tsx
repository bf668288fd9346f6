import { useTranslation } from 'react-i18next';
import { ProductsAdmin } from '../../../features/admin/components/products-admin';
import { useDocumentTitle } from '../../../lib/use-document-title';

export function AdminProductsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.productsTitle'));
  return <ProductsAdmin />;
}
