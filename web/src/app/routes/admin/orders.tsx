import { useTranslation } from 'react-i18next';
import { AdminOrders } from '../../../features/admin/components/admin-orders';
import { useDocumentTitle } from '../../../lib/use-document-title';

export function AdminOrdersPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.ordersTitle'));
  return <AdminOrders />;
}
