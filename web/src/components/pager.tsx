import { useTranslation } from 'react-i18next';
import { Button } from './button';

/** Cursor paging: the caller keeps the cursors of the pages behind it. */
export function Pager({ page, hasPrevious, hasNext, onPrevious, onNext, busy }: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <Button variant="secondary" size="sm" onClick={onPrevious} disabled={!hasPrevious || busy}>
        {t('common.previous')}
      </Button>
      <span className="pager-page">{t('common.page', { page })}</span>
      <Button variant="secondary" size="sm" onClick={onNext} disabled={!hasNext || busy}>
        {t('common.next')}
      </Button>
    </nav>
  );
}
