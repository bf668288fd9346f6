import { useTranslation } from 'react-i18next';
import type { HistoryEntry } from '@pedidos/contracts/orders';
import type { LedgerEntry, Payment } from '@pedidos/contracts/payments';
import { PaymentStep, TimelineStep, inTimeOrder } from '../../../components/timeline';

type Step = { at: string; status: HistoryEntry } | { at: string; ledger: LedgerEntry };

/** The order's states and its payment's steps in one line of time; on a tie the order's state comes first. */
export function OrderTimeline({ history, payment = null }: { history: HistoryEntry[]; payment?: Payment | null }) {
  const { t } = useTranslation();
  const steps = inTimeOrder<Step>(history.map((entry) => ({ at: entry.at, status: entry })), (payment?.ledger ?? []).map((entry) => ({ at: entry.at, ledger: entry })));
  return (
    <ol className="timeline" aria-label={t('orders.timeline')}>
      {steps.map((step, index) =>
        'status' in step ? (
          <TimelineStep key={`status-${step.status.status}-${step.at}-${index}`} variant={`timeline-${step.status.status}`} title={t(`status.${step.status.status}`)} at={step.at}>
            {step.status.reason && <p className="timeline-reason">{t(`reason.${step.status.reason}`, { defaultValue: step.status.reason })}</p>}
          </TimelineStep>
        ) : (
          <PaymentStep key={`payment-${step.ledger.kind}-${step.at}-${index}`} entry={step.ledger} payment={payment!} />
        ),
      )}
    </ol>
  );
}
