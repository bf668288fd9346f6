import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/alert';
import type { RetryAdjustments } from '../retry-lines';

/** What changed when an out-of-stock order's lines came back to the cart. */
export function RetryNotice({ adjustments }: { adjustments: RetryAdjustments }) {
  const { t } = useTranslation();
  return (
    <Alert tone="info" title={t('cart.retry.title')}>
      <ul className="retry-changes">
        {adjustments.lowered.map((line) => (
          <li key={line.sku}>{t('cart.retry.lowered', { name: line.name, count: line.quantity })}</li>
        ))}
        {adjustments.leftOut.map((line) => (
          <li key={line.sku}>{t('cart.retry.leftOut', { name: line.name })}</li>
        ))}
      </ul>
    </Alert>
  );
}
