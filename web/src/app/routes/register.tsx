import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { RegisterForm } from '../../features/auth/components/register-form';
import { useSession } from '../../lib/auth-store';
import { useDocumentTitle } from '../../lib/use-document-title';
import { homePath, returnPath } from '../guards';

export function RegisterPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('auth.registerTitle'));
  const session = useSession();
  const location = useLocation();
  if (session) return <Navigate to={returnPath(location.state, homePath(session.user.role))} replace />;
  return (
    <section className="narrow">
      <RegisterForm />
    </section>
  );
}
