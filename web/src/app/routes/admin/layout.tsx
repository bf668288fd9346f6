import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';

export function AdminLayout() {
  const { t } = useTranslation();
  return (
    <div className="admin">
      <nav aria-label={t('admin.nav')} className="sub-nav">
        <ul>
          <li>
            <NavLink to="/admin/orders">{t('admin.navOrders')}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/products">{t('admin.navProducts')}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/dashboard">{t('admin.navDashboard')}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/operations">{t('operations.nav')}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/webhooks">{t('webhooks.nav')}</NavLink>
          </li>
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
