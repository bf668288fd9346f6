import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { WebhookDeliveries } from '../../../features/admin/components/webhook-deliveries';
import { useDocumentTitle } from '../../../lib/use-document-title';

export function WebhookPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  useDocumentTitle(t('webhooks.deliveriesTitle'));
  return <WebhookDeliveries key={id} id={id} />;
}
