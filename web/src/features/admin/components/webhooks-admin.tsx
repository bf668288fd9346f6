import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { WebhookEndpoint } from '@pedidos/contracts/webhooks';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DateTime } from '../../../components/date-time';
import { EmptyState } from '../../../components/empty-state';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { announce } from '../../../lib/announcer';
import { errorMessage } from '../../../lib/error-message';
import { useWebhooks } from '../api/get-webhooks';
import { useRemoveWebhook } from '../api/remove-webhook';
import { NewWebhookForm } from './new-webhook-form';

export function WebhooksAdmin() {
  const { t } = useTranslation();
  const webhooks = useWebhooks();
  const remove = useRemoveWebhook();
  const [removing, setRemoving] = useState<WebhookEndpoint | null>(null);

  function confirmRemove(endpoint: WebhookEndpoint) {
    remove.mutate(endpoint.id, {
      onSuccess: () => announce(t('webhooks.remove.done', { url: endpoint.url })),
      onSettled: () => setRemoving(null),
    });
  }

  return (
    <>
      <h1>{t('webhooks.title')}</h1>
      <p className="muted">{t('webhooks.intro')}</p>
      <NewWebhookForm />
      <section aria-labelledby="webhook-list-title" className="stack">
        <h2 id="webhook-list-title">{t('webhooks.listTitle')}</h2>
        {remove.isError && <Alert>{errorMessage(remove.error, t)}</Alert>}
        {webhooks.isPending ? (
          <Spinner />
        ) : webhooks.isError ? (
          <QueryError error={webhooks.error} onRetry={() => void webhooks.refetch()} />
        ) : webhooks.data.items.length === 0 ? (
          <EmptyState title={t('webhooks.none')} />
        ) : (
          <div className="table-wrap card">
            <table className="table table-responsive">
              <caption className="visually-hidden">{t('webhooks.listTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('webhooks.url')}</th>
                  <th scope="col">{t('webhooks.description')}</th>
                  <th scope="col">{t('webhooks.events')}</th>
                  <th scope="col">{t('webhooks.created')}</th>
                  <th scope="col">{t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {webhooks.data.items.map((endpoint) => (
                  <tr key={endpoint.id}>
                    <td data-label={t('webhooks.url')} className="webhook-url">{endpoint.url}</td>
                    <td data-label={t('webhooks.description')}>{endpoint.description ?? '—'}</td>
                    <td data-label={t('webhooks.events')}>
                      <ul className="event-list" aria-label={t('webhooks.eventsOf', { url: endpoint.url })}>
                        {endpoint.events.map((type) => (
                          <li key={type}>
                            <code>{type}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td data-label={t('webhooks.created')}><DateTime value={endpoint.createdAt} /></td>
                    <td data-label={t('admin.actions')}>
                      <div className="row-actions">
                        <Link to={`/admin/webhooks/${endpoint.id}`} aria-label={t('webhooks.deliveriesOf', { url: endpoint.url })}>
                          {t('webhooks.deliveries')}
                        </Link>
                        <Button variant="danger" size="sm" aria-haspopup="dialog" aria-label={t('webhooks.remove.label', { url: endpoint.url })} onClick={() => {
                          remove.reset();
                          setRemoving(endpoint);
                        }}>
                          {t('webhooks.remove.action')}
                        </Button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {removing && (
        <ConfirmDialog
          title={t('webhooks.remove.question', { url: removing.url })}
          confirmLabel={t('webhooks.remove.confirm')}
          pending={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => confirmRemove(removing)}
        >
          <p>{t('webhooks.remove.text')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
