import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry, Payment } from '@pedidos/contracts/payments';
import { DateTime } from './date-time';
import { LedgerDetail } from './payment-entry';

/** Steps from several sources in one line of time; on a tie, the earlier list's step comes first. */
export function inTimeOrder<T extends { at: string }>(...lists: T[][]): T[] {
  return lists.flat().map((step, index) => ({ step, index }))
    .sort((a, b) => Date.parse(a.step.at) - Date.parse(b.step.at) || a.index - b.index)
    .map(({ step }) => step);
}

/** One step of a timeline: what happened, when (and who, where it is told), then its details. */
export function TimelineStep({ variant, title, at, by, children }: { variant: string; title: string; at: string; by?: ReactNode; children?: ReactNode }) {
  return (
    <li className={`timeline-item ${variant}`}>
      <span className="timeline-dot" aria-hidden="true" />
      <div>
        <p className="timeline-status">{title}</p>
        <p className="muted small">
          <DateTime value={at} precise />
          {by !== undefined && <> · {by}</>}
        </p>
        {children}
      </div>
    </li>
  );
}

/** A step of the order's payment, from its ledger. */
export function PaymentStep({ entry, payment, by }: { entry: LedgerEntry; payment: Payment; by?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <TimelineStep variant={`timeline-payment timeline-payment-${entry.kind}`} title={t(`payment.ledger.${entry.kind}`)} at={entry.at} by={by}>
      <p className="timeline-detail">
        <LedgerDetail entry={entry} payment={payment} />
      </p>
    </TimelineStep>
  );
}
