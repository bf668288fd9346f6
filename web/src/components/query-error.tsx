import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/error-message';
import { Alert } from './alert';
import { Button } from './button';

/** A failed load, in place of what could not be shown, with a way to try again. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert title={t('errors.loadFailed')}>
      <p>{errorMessage(error, t)}</p>
      {onRetry && (
        <Button variant="secondary" size="sm" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </Alert>
  );
}
