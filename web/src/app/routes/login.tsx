import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { Alert } from '../../components/alert';
import { LoginForm } from '../../features/auth/components/login-form';
import { useSession } from '../../lib/auth-store';
import { useDocumentTitle } from '../../lib/use-document-title';
import { homePath, returnPath } from '../guards';

export function LoginPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('auth.signInTitle'));
  const session = useSession();
  const location = useLocation();
  const reason = (location.state as { reason?: string } | null)?.reason;

  // Signing in sets the session, and this redirect takes the user back where the guard stopped them.
  if (session) return <Navigate to={returnPath(location.state, homePath(session.user.role))} replace />;
  return (
    <section className="narrow">
      {reason && <Alert tone="info">{reason === 'checkout' ? t('auth.signInToCheckout') : t('auth.signInToContinue')}</Alert>}
      <LoginForm />
    </section>
  );
}
