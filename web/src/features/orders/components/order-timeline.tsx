import { useTranslation } from 'react-i18next';
import type { HistoryEntry } from '@pedidos/contracts/orders';
import type { LedgerEntry, Payment } from '@pedidos/contracts/payments';
import { DateTime } from '../../../components/date-time';
import { LedgerDetail } from '../../../components/payment-entry';

type Step = { at: string; status: HistoryEntry } | { at: string; ledger: LedgerEntry };

/** The order's states and its payment's steps in one line of time; on a tie the order's state comes first. */
function steps(history: HistoryEntry[], payment: Payment | null): Step[] {
  const all: Step[] = [...history.map((entry) => ({ at: entry.at, status: entry })), ...(payment?.ledger ?? []).map((entry) => ({ at: entry.at, ledger: entry }))];
  return all.map((step, index) => ({ step, index })).sort((a, b) => Date.parse(a.step.at) - Date.parse(b.step.at) || a.index - b.index).map(({ step }) => step);
}

export function OrderTimeline({ history, payment = null }: { history: HistoryEntry[]; payment?: Payment | null }) {
  const { t } = useTranslation();
  return (
    <ol className="timeline" aria-label={t('orders.timeline')}>
      {steps(history, payment).map((step, index) =>
        'status' in step ? (
          <li key={`status-${step.status.status}-${step.at}-${index}`} className={`timeline-item timeline-${step.status.status}`}>
            <span className="timeline-dot" aria-hidden="true" />
            <div>
              <p className="timeline-status">{t(`status.${step.status.status}`)}</p>
              <p className="muted small">
                <DateTime value={step.at} precise />
              </p>
              {step.status.reason && <p className="timeline-reason">{t(`reason.${step.status.reason}`, { defaultValue: step.status.reason })}</p>}
            </div>
          </li>
        ) : (
          <li key={`payment-${step.ledger.kind}-${step.at}-${index}`} className={`timeline-item timeline-payment timeline-payment-${step.ledger.kind}`}>
            <span className="timeline-dot" aria-hidden="true" />
            <div>
              <p className="timeline-status">{t(`payment.ledger.${step.ledger.kind}`)}</p>
              <p className="muted small">
                <DateTime value={step.at} precise />
              </p>
              <p className="timeline-detail">
                <LedgerDetail entry={step.ledger} payment={payment!} />
              </p>
            </div>
          </li>
        ),
      )}
    </ol>
  );
}
