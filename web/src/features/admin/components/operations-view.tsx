import { useTranslation } from 'react-i18next';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { useFormat } from '../../../lib/format';
import { useOperations, type Operations } from '../api/get-operations';

/** Seconds as the largest whole unit that fits: 42 s, 3 min, 2 h. */
function useAge() {
  const { locale } = useFormat();
  return (seconds: number) => {
    const [value, unit] = seconds < 60 ? [seconds, 'second'] : seconds < 3600 ? [seconds / 60, 'minute'] : [seconds / 3600, 'hour'];
    return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 0 }).format(Math.floor(value));
  };
}

/** What an operator watches per service: events committed but not yet published, and messages parked in dead-letter queues. */
export function OperationsView() {
  const { t } = useTranslation();
  const operations = useOperations();
  return (
    <>
      <h1>{t('operations.title')}</h1>
      <p className="muted">{t('operations.intro')}</p>
      {operations.isPending ? (
        <Spinner />
      ) : operations.isError ? (
        <QueryError error={operations.error} onRetry={() => void operations.refetch()} />
      ) : (
        <div className="operations">
          {Object.entries(operations.data).map(([service, report]) => (
            <ServiceReport key={service} service={service} report={report} />
          ))}
        </div>
      )}
    </>
  );
}

function ServiceReport({ service, report }: { service: string; report: Operations }) {
  const { t } = useTranslation();
  const format = useFormat();
  const age = useAge();
  const parked = Object.entries(report.deadLetters).filter(([, count]) => count > 0);
  const deadLetters = parked.reduce((sum, [, count]) => sum + count, 0);
  const titleId = `operations-${service}`;
  return (
    <section className="card operations-service" aria-labelledby={titleId}>
      <h2 id={titleId}>{t(`operations.service.${service}`)}</h2>
      <dl className="summary-list">
        <div>
          <dt>{t('operations.backlog')}</dt>
          <dd>{t('operations.events', { count: report.outbox.backlog, formatted: format.number(report.outbox.backlog) })}</dd>
        </div>
        <div>
          <dt>{t('operations.lag')}</dt>
          <dd>{report.outbox.backlog === 0 ? t('operations.noLag') : age(report.outbox.oldestAgeSeconds)}</dd>
        </div>
        <div>
          <dt>{t('operations.deadLetters')}</dt>
          <dd>{t('operations.messages', { count: deadLetters, formatted: format.number(deadLetters) })}</dd>
        </div>
      </dl>
      {parked.length > 0 && (
        <ul className="operations-queues" aria-label={t('operations.deadLettersByQueue')}>
          {parked.map(([queue, count]) => (
            <li key={queue}>
              <code>{queue}</code> <span className="nowrap">{t('operations.messages', { count, formatted: format.number(count) })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
