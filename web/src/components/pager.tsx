import { useTranslation } from 'react-i18next';
import type { CursorPages } from '../lib/use-cursor-pages';
import { Button } from './button';

/** Previous / Next for a list read with `useCursorPages`; nothing when it all fits on one page. */
export function Pager({ pages, nextCursor, busy }: { pages: CursorPages; nextCursor: string | null; busy?: boolean }) {
  const { t } = useTranslation();
  if (pages.page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <Button variant="secondary" size="sm" onClick={pages.previous} disabled={pages.page === 1 || busy}>
        {t('common.previous')}
      </Button>
      <span className="pager-page">{t('common.page', { page: pages.page })}</span>
      <Button variant="secondary" size="sm" onClick={() => nextCursor && pages.next(nextCursor)} disabled={!nextCursor || busy}>
        {t('common.next')}
      </Button>
    </nav>
  );
}
