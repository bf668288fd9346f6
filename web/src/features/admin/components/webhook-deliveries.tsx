import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Static } from 'typebox';
import type { WebhookAttempt, WebhookDelivery } from '@pedidos/contracts/webhooks';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { DateTime } from '../../../components/date-time';
import { EmptyState } from '../../../components/empty-state';
import { Pager } from '../../../components/pager';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { errorMessage } from '../../../lib/error-message';
import { useFormat } from '../../../lib/format';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { hasPending, useWebhookDeliveries } from '../api/get-webhook-deliveries';
import { useWebhooks } from '../api/get-webhooks';
import { useReplayWebhookDelivery } from '../api/replay-webhook-delivery';

/** One endpoint's deliveries, newest first, each with every attempt made. */
export function WebhookDeliveries({ id }: { id: string }) {
  const { t } = useTranslation();
  const endpoint = useWebhooks().data?.items.find((e) => e.id === id);
  // The pages live in the URL: a link to another endpoint carries none, so it opens on the first.
  const pages = useCursorPages();
  const deliveries = useWebhookDeliveries(id, pages.cursor);
  const pending = hasPending(deliveries.data);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/webhooks">{t('webhooks.backToList')}</Link>
      </p>
      <h1 className="webhook-url">{endpoint ? t('webhooks.deliveriesOf', { url: endpoint.url }) : t('webhooks.deliveriesTitle')}</h1>
      {endpoint && (
        <p className="muted">
          {endpoint.description ? `${endpoint.description} · ` : ''}
          {endpoint.events.join(', ')}
        </p>
      )}
      {pending && <p className="muted small">{t('webhooks.refreshing')}</p>}
      {deliveries.isPending ? (
        <Spinner />
      ) : deliveries.isError ? (
        <QueryError error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.items.length === 0 ? (
        <EmptyState title={t('webhooks.noDeliveries')} />
      ) : (
        <ol className="webhook-deliveries" aria-label={t('webhooks.deliveriesTitle')}>
          {deliveries.data.items.map((delivery) => (
            <DeliveryItem key={delivery.id} endpointId={id} delivery={delivery} />
          ))}
        </ol>
      )}
      {deliveries.isSuccess && <Pager pages={pages} nextCursor={deliveries.data.nextCursor} busy={deliveries.isFetching} />}
    </>
  );
}

function DeliveryItem({ endpointId, delivery }: { endpointId: string; delivery: WebhookDelivery }) {
  const { t } = useTranslation();
  const format = useFormat();
  const replay = useReplayWebhookDelivery(endpointId);
  const titleId = `delivery-${delivery.id}`;
  return (
    <li className="card webhook-delivery" aria-labelledby={titleId}>
      <div className="webhook-delivery-head">
        <h2 id={titleId}>
          <code>{delivery.eventType}</code>
        </h2>
        <DeliveryStatusBadge status={delivery.status} />
      </div>
      <dl className="summary-list webhook-delivery-facts">
        <div>
          <dt>{t('webhooks.delivery.eventId')}</dt>
          <dd><code className="webhook-event-id">{delivery.eventId}</code></dd>
        </div>
        <div>
          <dt>{t('webhooks.delivery.created')}</dt>
          <dd><DateTime value={delivery.createdAt} precise /></dd>
        </div>
        <div>
          <dt>{t('webhooks.delivery.attempts')}</dt>
          <dd data-testid="delivery-attempts">{format.number(delivery.attempts)}</dd>
        </div>
        <div>
          <dt>{t('webhooks.delivery.lastAnswer')}</dt>
          <dd>
            {delivery.attempts === 0 ? '—' : <Answer statusCode={delivery.lastStatusCode} durationMs={delivery.lastDurationMs} />}
          </dd>
        </div>
        {delivery.lastError && !saysOnlyTheStatus(delivery.lastError, delivery.lastStatusCode) && (
          <div>
            <dt>{t('webhooks.delivery.lastError')}</dt>
            <dd className="webhook-error">{delivery.lastError}</dd>
          </div>
        )}
        <div>
          <dt>{t('webhooks.delivery.nextAttempt')}</dt>
          <dd>{delivery.nextAttemptAt ? <DateTime value={delivery.nextAttemptAt} precise /> : '—'}</dd>
        </div>
      </dl>
      {delivery.attemptLog.length > 0 && (
        <details className="webhook-attempts">
          <summary>{t('webhooks.delivery.showAttempts', { count: delivery.attemptLog.length })}</summary>
          <ol aria-label={t('webhooks.delivery.attemptsOf', { type: delivery.eventType })}>
            {delivery.attemptLog.map((attempt, index) => (
              <AttemptItem key={`${attempt.at}-${index}`} attempt={attempt} />
            ))}
          </ol>
        </details>
      )}
      {replay.isSuccess && <Alert tone="success">{t('webhooks.replay.done')}</Alert>}
      {replay.isError && <Alert>{errorMessage(replay.error, t)}</Alert>}
      {/* Also for a pending one waiting for its next retry: sent now. The server refuses it only while an attempt is under way. */}
      <div className="row-actions">
        <Button variant="secondary" size="sm" pending={replay.isPending} onClick={() => replay.mutate(delivery.id)} aria-describedby={titleId}>
          {t('webhooks.replay.action')}
        </Button>
      </div>
    </li>
  );
}

function AttemptItem({ attempt }: { attempt: Static<typeof WebhookAttempt> }) {
  return (
    <li>
      <DateTime value={attempt.at} precise /> · <Answer statusCode={attempt.statusCode} durationMs={attempt.durationMs} />
      {attempt.error && !saysOnlyTheStatus(attempt.error, attempt.statusCode) && <span className="webhook-error"> · {attempt.error}</span>}
    </li>
  );
}

/** An error that only repeats the status code beside it ("HTTP 500") adds nothing to it. */
const saysOnlyTheStatus = (error: string, statusCode: number | null) => statusCode !== null && error === `HTTP ${statusCode}`;

/** An HTTP status and how long it took, or "no answer" when none came (refused, timed out). */
function Answer({ statusCode, durationMs }: { statusCode: number | null; durationMs: number | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      {statusCode === null ? t('webhooks.delivery.noAnswer') : t('webhooks.delivery.httpStatus', { code: statusCode })}
      {durationMs !== null && ` · ${t('webhooks.delivery.duration', { ms: format.number(durationMs) })}`}
    </>
  );
}

function DeliveryStatusBadge({ status }: { status: WebhookDelivery['status'] }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`}>{t(`webhooks.status.${status}`)}</span>;
}
