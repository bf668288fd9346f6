import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { MovementsView } from '../../../features/admin/components/movements-view';
import { useDocumentTitle } from '../../../lib/use-document-title';

export function MovementsPage() {
  const { t } = useTranslation();
  const { sku = '' } = useParams();
  useDocumentTitle(t('admin.movementsOf', { name: sku }));
  return <MovementsView key={sku} sku={sku} />;
}
