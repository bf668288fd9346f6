import { useTranslation } from 'react-i18next';
import { OperationsView } from '../../../features/admin/components/operations-view';
import { useDocumentTitle } from '../../../lib/use-document-title';

export function OperationsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('operations.title'));
  return <OperationsView />;
}
