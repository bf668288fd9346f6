import { useTranslation } from 'react-i18next';
import { OrderList } from '../../features/orders/components/order-list';
import { useDocumentTitle } from '../../lib/use-document-title';

export function MyOrdersPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('orders.title'));
  return (
    <>
      <h1>{t('orders.title')}</h1>
      <OrderList />
    </>
  );
}
