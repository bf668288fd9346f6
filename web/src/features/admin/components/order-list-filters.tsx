import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ORDER_STATUSES } from '@pedidos/contracts/orders';
import { Button } from '../../../components/button';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import type { OrderListView, ViewChange } from './order-list-view';

/** Search, status and date range of the list of all orders. */
export function OrderListFilters({ view, update }: { view: OrderListView; update: (change: ViewChange, options?: { replace?: boolean }) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(view.q);
  const typed = useDebouncedValue(text, 300);
  // The search the URL was last given from here: a different one came from back/forward or a link.
  const written = useRef(view.q);
  useEffect(() => {
    if (typed === written.current) return;
    written.current = typed;
    update({ q: typed }, { replace: true });
  }, [typed, update]);
  useEffect(() => {
    if (view.q === written.current) return;
    written.current = view.q;
    setText(view.q);
  }, [view.q]);
  const filtered = Boolean(view.q || view.status || view.from || view.to);

  return (
    <div className="order-filters" role="search" aria-label={t('admin.orderList.filters')}>
      <div className="field">
        <label htmlFor="order-search">{t('admin.orderList.search')}</label>
        <input id="order-search" type="search" placeholder={t('admin.orderList.searchPlaceholder')} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="status-filter">{t('admin.status')}</label>
        <select id="status-filter" value={view.status ?? ''} onChange={(e) => update({ status: e.target.value })}>
          <option value="">{t('admin.allStatuses')}</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="order-from">{t('admin.orderList.from')}</label>
        <input id="order-from" type="date" value={view.from} max={view.to || undefined} onChange={(e) => update({ from: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="order-to">{t('admin.orderList.to')}</label>
        <input id="order-to" type="date" value={view.to} min={view.from || undefined} onChange={(e) => update({ to: e.target.value })} />
      </div>
      {filtered && (
        <Button
          variant="ghost"
          size="sm"
          className="order-filters-clear"
          onClick={() => {
            written.current = '';
            setText('');
            update({ q: undefined, status: undefined, from: undefined, to: undefined });
          }}
        >
          {t('admin.orderList.clear')}
        </Button>
      )}
    </div>
  );
}
