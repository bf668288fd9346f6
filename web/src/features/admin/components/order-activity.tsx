import { useTranslation } from 'react-i18next';
import type { ActivityActor, ActivityItem, ActivityStatus, Order } from '@pedidos/contracts/orders';
import type { LedgerEntry, Payment } from '@pedidos/contracts/payments';
import { QueryError } from '../../../components/query-error';
import { Sku } from '../../../components/sku';
import { Spinner } from '../../../components/spinner';
import { PaymentStep, TimelineStep, inTimeOrder } from '../../../components/timeline';
import { usePayment } from '../../../lib/payment-query';
import { useOrderActivity } from '../api/get-order-activity';
import { StaffNoteForm } from './staff-note-form';

type Step = { at: string; item: ActivityItem } | { at: string; ledger: LedgerEntry };

/** "by Ana Souza (customer)", "by Admin (staff)", "by the system": who caused a step, as staff read it. */
function useWho() {
  const { t } = useTranslation();
  return (by: Pick<ActivityActor, 'name' | 'role'> | null) => {
    if (by === null) return t('activity.bySystem');
    if (by.name === null) return by.role === 'customer' ? t('activity.byUnnamedCustomer') : t('activity.byUnnamedStaff');
    return by.role === 'customer' ? t('activity.byCustomer', { name: by.name }) : t('activity.byStaff', { name: by.name });
  };
}

/**
 * The back office's timeline of an order: who moved it and when, which lines were short on a
 * rejection, its payment's steps, and the staff's internal notes, which the customer never sees.
 */
export function OrderActivity({ order }: { order: Order }) {
  const { t } = useTranslation();
  const activity = useOrderActivity(order);
  // A missing payment (not started yet) is null; a failed read only leaves its steps out, as the payment card reports it.
  const payment = usePayment(order).data ?? null;
  return (
    <section className="card order-activity" aria-labelledby="order-activity-title">
      <h2 id="order-activity-title">{t('activity.title')}</h2>
      {activity.data?.traceId && (
        <dl className="activity-trace">
          <dt>{t('activity.trace')}</dt>
          <dd>
            <code>{activity.data.traceId}</code>
          </dd>
          <dd className="field-hint">{t('activity.traceHint')}</dd>
        </dl>
      )}
      {activity.isPending ? (
        <Spinner />
      ) : activity.isError ? (
        <QueryError error={activity.error} onRetry={() => void activity.refetch()} />
      ) : (
        <ActivityTimeline items={activity.data.items} payment={payment} />
      )}
      <StaffNoteForm orderId={order.id} />
    </section>
  );
}

function ActivityTimeline({ items, payment }: { items: ActivityItem[]; payment: Payment | null }) {
  const { t } = useTranslation();
  const who = useWho();
  // The ledger keeps only who refunded; their name is known if they appear elsewhere in the activity.
  const names = new Map(items.flatMap((i) => (i.by === null ? [] : [[i.by.id, i.by.name] as const])));
  const refunder = (actor: string | null) => (actor === null ? who(null) : who({ name: names.get(actor) ?? null, role: 'staff' }));
  const steps = inTimeOrder<Step>(items.map((item) => ({ at: item.at, item })), (payment?.ledger ?? []).map((ledger) => ({ at: ledger.at, ledger })));
  return (
    <ol className="timeline activity-timeline" aria-labelledby="order-activity-title">
      {steps.map((step, index) => {
        if ('ledger' in step) {
          const by = step.ledger.kind === 'refund' ? refunder(step.ledger.actor) : undefined;
          return <PaymentStep key={`payment-${step.ledger.kind}-${step.at}-${index}`} entry={step.ledger} payment={payment!} by={by} />;
        }
        if (step.item.kind === 'note') {
          return (
            <TimelineStep key={`note-${step.item.id}`} variant="timeline-note" title={t('activity.note.title')} at={step.at} by={who(step.item.by)}>
              <p className="activity-note-body">{step.item.body}</p>
            </TimelineStep>
          );
        }
        return <StatusStep key={`status-${step.at}-${index}`} item={step.item} who={who(step.item.by)} />;
      })}
    </ol>
  );
}

function StatusStep({ item, who }: { item: ActivityStatus; who: string }) {
  const { t } = useTranslation();
  return (
    <TimelineStep variant={`timeline-${item.status}`} title={t(`status.${item.status}`)} at={item.at} by={who}>
      {item.reason && <p className="timeline-reason">{t(`reason.${item.reason}`, { defaultValue: item.reason })}</p>}
      {item.shortages && item.shortages.length > 0 && (
        <ul className="activity-shortages" aria-label={t('activity.shortages')}>
          {item.shortages.map((s) => (
            <li key={s.sku}>
              <Sku value={s.sku} />: {t('activity.shortage', { requested: s.requested, available: s.available })}
            </li>
          ))}
        </ul>
      )}
    </TimelineStep>
  );
}
