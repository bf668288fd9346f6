import { useTranslation } from 'react-i18next';
import { WebhooksAdmin } from '../../../features/admin/components/webhooks-admin';
import { useDocumentTitle } from '../../../lib/use-document-title';

export function WebhooksPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('webhooks.title'));
  return <WebhooksAdmin />;
}
