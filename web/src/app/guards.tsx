import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import type { Role } from '@pedidos/contracts/identity';
import { useSession } from '../lib/auth-store';

/** Signed-out visitors go to the sign-in page, which sends them back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search, reason: 'auth' }} />;
  return children;
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search, reason: 'auth' }} />;
  if (session.user.role !== 'admin') {
    return (
      <section className="narrow">
        <h1>{t('guard.forbiddenTitle')}</h1>
        <p>{t('guard.forbidden')}</p>
        <Link to="/">{t('guard.backToCatalog')}</Link>
      </section>
    );
  }
  return children;
}

/** Where a signed-in person starts: administrators in the back office, customers in the shop. */
export const homePath = (role: Role) => (role === 'admin' ? '/admin/orders' : '/');

/** Where to go after signing in: back where the guard stopped the user, never off-site. */
export function returnPath(state: unknown, fallback: string): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : fallback;
}
