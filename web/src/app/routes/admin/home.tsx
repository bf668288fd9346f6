import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../../lib/use-document-title';

export function AdminHomePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.title'));
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      <p className="muted">{t('admin.intro')}</p>
      <ul className="admin-cards">
        <li className="card">
          <h2>{t('admin.navOrders')}</h2>
          <p>{t('admin.ordersIntro')}</p>
        </li>
        <li className="card">
          <h2>{t('admin.navProducts')}</h2>
          <p>{t('admin.productsIntro')}</p>
        </li>
        <li className="card">
          <h2>{t('admin.navDashboard')}</h2>
          <p>{t('admin.dashboardIntro')}</p>
        </li>
      </ul>
    </section>
  );
}
