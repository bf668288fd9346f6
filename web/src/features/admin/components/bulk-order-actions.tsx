import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Order } from '@pedidos/contracts/orders';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ApiError } from '../../../lib/api-client';
import { errorMessage } from '../../../lib/error-message';
import { useBulkOrderAction, type BulkOutcome } from '../api/bulk-order-action';

type BulkAction = 'ship' | 'cancel';

/**
 * Ship or cancel the selected orders at once: asked first, naming how many; then each order is
 * tried on its own and the outcome of each is listed (and read out by screen readers).
 */
export function BulkOrderActions({ selected, onDone }: { selected: Order[]; onDone: () => void }) {
  const { t } = useTranslation();
  const bulk = useBulkOrderAction();
  const [asking, setAsking] = useState<BulkAction | null>(null);
  const [report, setReport] = useState<{ action: BulkAction; outcomes: BulkOutcome[] } | null>(null);
  const count = selected.length;

  const reason = (action: BulkAction, error: unknown) =>
    error instanceof ApiError && error.code === 'ORDER.INVALID_TRANSITION' ? t(`admin.orderList.refusedReason.${action}`) : errorMessage(error, t);

  return (
    <>
      <div className="bulk-bar" role="group" aria-label={t('admin.orderList.bulkLabel')}>
        <span className="muted">{t('admin.orderList.selected', { count })}</span>
        <Button size="sm" disabled={count === 0 || bulk.isPending} aria-haspopup="dialog" onClick={() => setAsking('ship')}>
          {t('admin.orderList.shipSelected')}
        </Button>
        <Button size="sm" variant="danger" disabled={count === 0 || bulk.isPending} aria-haspopup="dialog" onClick={() => setAsking('cancel')}>
          {t('admin.orderList.cancelSelected')}
        </Button>
      </div>
      {asking && (
        <ConfirmDialog
          title={t(`admin.orderList.confirm.${asking}.title`, { count })}
          confirmLabel={t(`admin.orderList.confirm.${asking}.confirm`)}
          pending={bulk.isPending}
          onCancel={() => setAsking(null)}
          onConfirm={() =>
            bulk.mutate(
              { orders: selected.map(({ id, number }) => ({ id, number })), action: asking },
              {
                onSuccess: (outcomes) => {
                  setReport({ action: asking, outcomes });
                  onDone();
                },
                onSettled: () => setAsking(null),
              },
            )
          }
        >
          <p>{t(`admin.orderList.confirm.${asking}.text`, { count })}</p>
        </ConfirmDialog>
      )}
      {/* Always on the page, so what appears in it is read out. */}
      <div className="bulk-report" role="status">
        {report && (
          <>
            <h2>{t(`admin.orderList.done.${report.action}`, { done: report.outcomes.filter((o) => o.ok).length, count: report.outcomes.length })}</h2>
            <ul>
              {report.outcomes.map((o) => (
                <li key={o.id} className={o.ok ? 'bulk-ok' : 'bulk-refused'}>
                  {o.ok
                    ? t(`admin.orderList.outcome.${report.action}`, { number: o.number })
                    : t('admin.orderList.outcome.refused', { number: o.number, reason: reason(report.action, o.error) })}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      {report && (
        <Button variant="ghost" size="sm" onClick={() => setReport(null)}>
          {t('admin.orderList.dismiss')}
        </Button>
      )}
    </>
  );
}
