import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { OrderStatus } from '@pedidos/contracts/orders';
import { EmptyState } from '../../../components/empty-state';
import { intlLocale } from '../../../lib/i18n';
import type { MinuteBucket } from '../dashboard-stats';

// Distinct hues that each keep 4.5:1 contrast on white.
const STATUS_COLORS: Record<OrderStatus, string> = {
  pending: '#975a16',
  confirmed: '#2b6cb0',
  shipped: '#6b46c1',
  delivered: '#276749',
  rejected: '#c53030',
  cancelled: '#4a5568',
};
const STATUSES = Object.keys(STATUS_COLORS) as OrderStatus[];

export function DashboardCharts({ perMinute, top }: { perMinute: MinuteBucket[]; top: { sku: string; name: string; units: number }[] }) {
  const { t, i18n } = useTranslation();
  const time = new Intl.DateTimeFormat(intlLocale(i18n.language), { hour: '2-digit', minute: '2-digit' });
  const data = perMinute.map((b) => ({ ...b, label: time.format(b.minute) }));
  const busy = data.filter((b) => STATUSES.some((s) => b[s] > 0));

  return (
    <div className="charts">
      <figure className="card chart" aria-labelledby="per-minute-title">
        <figcaption id="per-minute-title">
          <h2>{t('admin.ordersPerMinute')}</h2>
        </figcaption>
        {busy.length === 0 ? (
          <EmptyState title={t('admin.noOrdersLastHour')} />
        ) : (
          <>
            <div className="chart-area" aria-hidden="true">
              <ResponsiveContainer width="100%" height={280}>
                <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="label" interval={9} tick={{ fontSize: 12 }} />
                  <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
                  <Tooltip />
                  <Legend />
                  {STATUSES.map((s) => (
                    <Bar key={s} dataKey={s} name={t(`status.${s}`)} stackId="orders" fill={STATUS_COLORS[s]} isAnimationActive={false} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
            <details>
              <summary>{t('admin.showData')}</summary>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.minute')}</th>
                    {STATUSES.map((s) => (
                      <th key={s} scope="col" className="num">{t(`status.${s}`)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {busy.map((b) => (
                    <tr key={b.minute}>
                      <th scope="row">{b.label}</th>
                      {STATUSES.map((s) => (
                        <td key={s} className="num">{b[s]}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </>
        )}
      </figure>
      <figure className="card chart" aria-labelledby="top-products-title">
        <figcaption id="top-products-title">
          <h2>{t('admin.topProducts')}</h2>
        </figcaption>
        {top.length === 0 ? (
          <EmptyState title={t('admin.noSales')} />
        ) : (
          <>
            <div className="chart-area" aria-hidden="true">
              <ResponsiveContainer width="100%" height={Math.max(160, top.length * 36 + 40)}>
                <BarChart accessibilityLayer={false} data={top} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
                  <YAxis type="category" dataKey="name" width={130} tick={{ fontSize: 12 }} />
                  <Tooltip />
                  <Bar dataKey="units" name={t('admin.units')} fill="#0f5b4b" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <details>
              <summary>{t('admin.showData')}</summary>
              <ol className="top-list">
                {top.map((p) => (
                  <li key={p.sku}>
                    <span>{p.name}</span>
                    <span className="muted">{t('admin.unitsCount', { count: p.units })}</span>
                  </li>
                ))}
              </ol>
            </details>
          </>
        )}
      </figure>
    </div>
  );
}
