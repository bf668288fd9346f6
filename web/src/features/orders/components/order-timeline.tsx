import { useTranslation } from 'react-i18next';
import type { HistoryEntry } from '@pedidos/contracts/orders';
import { DateTime } from '../../../components/date-time';

export function OrderTimeline({ history }: { history: HistoryEntry[] }) {
  const { t } = useTranslation();
  return (
    <ol className="timeline" aria-label={t('orders.timeline')}>
      {history.map((entry, index) => (
        <li key={`${entry.status}-${entry.at}-${index}`} className={`timeline-item timeline-${entry.status}`}>
          <span className="timeline-dot" aria-hidden="true" />
          <div>
            <p className="timeline-status">{t(`status.${entry.status}`)}</p>
            <p className="muted small">
              <DateTime value={entry.at} precise />
            </p>
            {entry.reason && <p className="timeline-reason">{t(`reason.${entry.reason}`, { defaultValue: entry.reason })}</p>}
          </div>
        </li>
      ))}
    </ol>
  );
}
