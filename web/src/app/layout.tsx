import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Toast } from '../components/toast';
import { useLogout } from '../features/auth/api/logout';
import { cartCount, useCart } from '../features/cart/cart-store';
import { useOrderStream } from '../features/orders/api/order-stream';
import { useSession } from '../lib/auth-store';
import { changeLanguage, LANGUAGES, type Language } from '../lib/i18n';

export function Layout() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { lines } = useCart();
  const count = cartCount(lines);
  const logout = useLogout();
  const navigate = useNavigate();
  useOrderStream(session?.user.id ?? null);
  useFocusOnNavigation();

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">P</span>
            <span>Pedidos</span>
          </Link>
          <nav aria-label={t('nav.main')} className="main-nav">
            <ul>
              <li>
                <NavLink to="/" end>
                  {t('nav.catalog')}
                </NavLink>
              </li>
              <li>
                <NavLink to="/cart" aria-describedby="cart-count">
                  {t('nav.cart')}
                  {count > 0 && (
                    <span className="count-badge" aria-hidden="true">
                      {count}
                    </span>
                  )}
                </NavLink>
                <span id="cart-count" hidden>
                  {t('nav.cartCount', { count })}
                </span>
              </li>
              {session && (
                <li>
                  <NavLink to="/orders">{t('nav.myOrders')}</NavLink>
                </li>
              )}
              {session?.user.role === 'admin' && (
                <li>
                  <NavLink to="/admin">{t('nav.backOffice')}</NavLink>
                </li>
              )}
              {!session && (
                <li>
                  <NavLink to="/login">{t('nav.signIn')}</NavLink>
                </li>
              )}
            </ul>
          </nav>
          <div className="header-tools">
            {session && (
              <>
                <span className="user-name" title={session.user.email}>
                  {session.user.name}
                </span>
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  disabled={logout.isPending}
                  onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/') })}
                >
                  {t('nav.signOut')}
                </button>
              </>
            )}
            <label htmlFor="language" className="visually-hidden">
              {t('nav.language')}
            </label>
            <select id="language" className="language-select" value={i18n.language} onChange={(e) => void changeLanguage(e.target.value as Language)}>
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t('footer.text')}</p>
      </footer>
      <Toast />
    </div>
  );
}

/** After a client-side navigation, move focus to the new page's heading, as a page load would. */
function useFocusOnNavigation() {
  const { pathname } = useLocation();
  // The previous path, not a first-render flag: StrictMode runs effects twice on mount.
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    } else {
      document.getElementById('main')?.focus();
    }
    window.scrollTo({ top: 0 });
  }, [pathname]);
}
