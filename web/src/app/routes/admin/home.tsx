import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDocumentTitle } from '../../../lib/use-document-title';

/** Each back office section: where it is, its name in the menu, and what it is for. */
const SECTIONS = [
  { to: '/admin/orders', title: 'admin.navOrders', intro: 'admin.ordersIntro' },
  { to: '/admin/products', title: 'admin.navProducts', intro: 'admin.productsIntro' },
  { to: '/admin/dashboard', title: 'admin.navDashboard', intro: 'admin.dashboardIntro' },
  { to: '/admin/operations', title: 'operations.nav', intro: 'admin.operationsIntro' },
  { to: '/admin/webhooks', title: 'webhooks.nav', intro: 'webhooks.homeIntro' },
] as const;

export function AdminHomePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.title'));
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      <p className="muted">{t('admin.intro')}</p>
      <ul className="admin-cards">
        {SECTIONS.map((section) => (
          <li key={section.to} className="card">
            <h2>
              <Link to={section.to}>{t(section.title)}</Link>
            </h2>
            <p>{t(section.intro)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
