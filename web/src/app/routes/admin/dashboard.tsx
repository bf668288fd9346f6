import { useTranslation } from 'react-i18next';
import { Dashboard } from '../../../features/admin/components/dashboard';
import { useDocumentTitle } from '../../../lib/use-document-title';

export function DashboardPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.dashboardTitle'));
  return <Dashboard />;
}
