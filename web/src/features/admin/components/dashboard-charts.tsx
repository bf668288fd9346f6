import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState } from '../../../components/empty-state';

/** One bucket of the range beside the bucket at the same place in the previous period. */
export interface ChartRow {
  key: string;
  label: string;
  current: number;
  previous: number;
}

interface TickProps {
  x?: number | string;
  y?: number | string;
  payload?: { value: string | number };
}

/**
 * An axis label as one SVG text: recharts' own tick breaks a label at its spaces to fit its
 * slot, which left a unit ("R$", "mil") alone on a line below the number.
 */
export function SingleLineTick({ x, y, payload, axis, format }: TickProps & { axis: 'x' | 'y'; format: (value: string | number) => string }) {
  return (
    <text x={x} y={y} dy={axis === 'x' ? 14 : 4} textAnchor={axis === 'x' ? 'middle' : 'end'} fontSize={12} fill="#4a5568">
      {format(payload?.value ?? '')}
    </text>
  );
}

const CURRENT_COLOR = '#0f5b4b';
const PREVIOUS_COLOR = '#718096';

/** A bar per bucket for the range and its previous period; the figures are also in a table beneath. */
export function PeriodChart({ title, rows, formatValue, formatAxis, valueHeading }: {
  title: string;
  rows: ChartRow[];
  formatValue: (value: number) => string;
  /** Shorter than `formatValue`, for the vertical axis. */
  formatAxis: (value: number) => string;
  valueHeading: { current: string; previous: string };
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const empty = rows.every((r) => r.current === 0 && r.previous === 0);
  return (
    <figure className="card chart" aria-labelledby={titleId}>
      <figcaption id={titleId}>
        <h2>{title}</h2>
      </figcaption>
      {empty ? (
        <EmptyState title={t('dashboard.noOrdersInRange')} />
      ) : (
        <>
          <div className="chart-area" aria-hidden="true">
            <ResponsiveContainer width="100%" height={260}>
              <BarChart accessibilityLayer={false} data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" minTickGap={12} height={28} tick={(props: TickProps) => <SingleLineTick {...props} axis="x" format={String} />} />
                <YAxis
                  allowDecimals={false}
                  width={76}
                  tick={(props: TickProps) => <SingleLineTick {...props} axis="y" format={(v) => formatAxis(Number(v))} />}
                />
                <Tooltip formatter={(value) => formatValue(Number(value))} />
                <Legend wrapperStyle={{ whiteSpace: 'nowrap' }} />
                <Bar dataKey="previous" name={valueHeading.previous} fill={PREVIOUS_COLOR} isAnimationActive={false} />
                <Bar dataKey="current" name={valueHeading.current} fill={CURRENT_COLOR} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <details>
            <summary>{t('dashboard.showData')}</summary>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('dashboard.bucket')}</th>
                    <th scope="col" className="num">{valueHeading.current}</th>
                    <th scope="col" className="num">{valueHeading.previous}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.key}>
                      <th scope="row" className="nowrap">{r.label}</th>
                      <td className="num nowrap">{formatValue(r.current)}</td>
                      <td className="num nowrap">{formatValue(r.previous)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </figure>
  );
}
